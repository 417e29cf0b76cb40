"""Event bus benchmark: panotti against a bare asyncio.Queue loop and bubus, side by side.

    python bench/bus.py [--events 20000]

In-process rows: events are made before timing; the producer publishes in
bursts of 100 and yields to the loop between bursts; every subscriber's
handler records the latency from publish to handler start. Throughput is
events published / time until the last handler ran. The durable rows publish
through panotti's SQLite store (WAL, batched group commits), where
``publish`` returns only after the event is committed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panotti.events import Event, EventBus, MemoryStore, SQLiteStore

BURST = 100


@dataclass
class Result:
    system: str
    subscribers: int
    events: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1e6 if ordered else float("nan")


class Recorder:
    """Collects publish-to-handler latencies and signals when every delivery arrived."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.latencies: list[float] = []
        self.done = asyncio.Event()

    def hit(self, published_at: float) -> None:
        self.latencies.append(time.perf_counter() - published_at)
        if len(self.latencies) == self.expected:
            self.done.set()


async def _timed(
    publish: Callable[[int], Awaitable[None]], count: int, recorder: Recorder
) -> tuple[float, list[float]]:
    gc.collect()  # every system starts its timed run from the same clean heap
    start = time.perf_counter()
    for index in range(count):
        await publish(index)
        if index % BURST == BURST - 1:
            await asyncio.sleep(0)
    await recorder.done.wait()
    return time.perf_counter() - start, recorder.latencies


async def bare_queue(count: int, subscribers: int) -> Result:
    """The practical limit: one asyncio.Queue, one consumer calling each handler in turn."""
    recorder = Recorder(count * subscribers)
    queue: asyncio.Queue[tuple[float, dict[str, int]]] = asyncio.Queue()

    async def handler(published_at: float, payload: dict[str, int]) -> None:
        recorder.hit(published_at)

    handlers = [handler] * subscribers

    async def consume() -> None:
        while True:
            published_at, payload = await queue.get()
            for each in handlers:
                await each(published_at, payload)

    consumer = asyncio.create_task(consume())
    payloads = [{"n": n} for n in range(count)]

    async def publish(index: int) -> None:
        queue.put_nowait((time.perf_counter(), payloads[index]))

    seconds, latencies = await _timed(publish, count, recorder)
    consumer.cancel()
    return Result("asyncio.Queue (bare)", subscribers, count, seconds, latencies)


async def panotti_bus(count: int, subscribers: int, store: Any = None, label: str = "") -> Result:
    recorder = Recorder(count * subscribers)
    published: dict[str, float] = {}
    bus = EventBus(store or MemoryStore(), concurrency=16)
    for index in range(subscribers):

        async def handler(event: Event[Any]) -> None:
            recorder.hit(published[event.id])

        bus.subscribe("bench.tick", handler, subscriber=f"subscriber-{index}")
    events = [Event.create("bench.tick", {"n": n}) for n in range(count)]
    await bus.start()

    async def publish(index: int) -> None:
        event = events[index]
        published[event.id] = time.perf_counter()
        await bus.publish(event)

    seconds, latencies = await _timed(publish, count, recorder)
    await bus.stop()
    return Result(label or "panotti (memory)", subscribers, count, seconds, latencies)


async def bubus_bus(count: int, subscribers: int) -> Result:
    from bubus import BaseEvent
    from bubus import EventBus as BubusBus

    class BenchTick(BaseEvent[None]):
        n: int = 0
        published_at: float = 0.0

    recorder = Recorder(count * subscribers)
    bus = BubusBus(name="bench")  # default history size: larger ones make bubus slower still
    for _ in range(subscribers):

        async def handler(event: BenchTick) -> None:
            recorder.hit(event.published_at)

        bus.on("BenchTick", handler)
    events = [BenchTick(n=n) for n in range(count)]

    async def publish(index: int) -> None:
        event = events[index]
        while True:  # bubus refuses more than 100 pending events: wait for room
            event.published_at = time.perf_counter()
            try:
                bus.dispatch(event)
                return
            except RuntimeError as error:
                if "capacity" not in str(error):
                    raise
                await asyncio.sleep(0.001)

    seconds, latencies = await _timed(publish, count, recorder)
    await bus.stop(clear=True)
    return Result("bubus", subscribers, count, seconds, latencies)


async def durable_publish(count: int, folder: Path, concurrent: int) -> Result:
    """Publish-only throughput into SQLite: ``concurrent`` publishers share each commit."""
    bus = EventBus(SQLiteStore(folder / f"publish-{concurrent}.db"))
    await bus.start()
    events = [Event.create("bench.tick", {"n": n}) for n in range(count)]
    latencies: list[float] = []

    async def one(event: Event[Any]) -> None:
        started = time.perf_counter()
        await bus.publish(event)
        latencies.append(time.perf_counter() - started)

    start = time.perf_counter()
    for offset in range(0, count, concurrent):
        await asyncio.gather(*(one(event) for event in events[offset : offset + concurrent]))
    seconds = time.perf_counter() - start
    await bus.stop()
    label = (
        f"panotti SQLite publish, {concurrent} in flight"
        if concurrent > 1
        else "panotti SQLite publish, one at a time"
    )
    return Result(label, 0, count, seconds, latencies)


def print_table(results: list[Result]) -> None:
    header = f"{'system':<44} {'subs':>4} {'events':>7} {'events/s':>10} {'p50 µs':>9} {'p99 µs':>9}"
    print(header)
    print("-" * len(header))
    for result in results:
        print(
            f"{result.system:<44} {result.subscribers:>4} {result.events:>7} {result.rate:>10,.0f}"
            f" {result.percentile(0.5):>9,.0f} {result.percentile(0.99):>9,.0f}"
        )


async def main(count: int) -> None:
    logging.disable(logging.WARNING)
    results: list[Result] = []
    ratios: list[str] = []
    for subscribers in (1, 10):
        n = count if subscribers == 1 else count // 5
        bare = await bare_queue(n, subscribers)
        ours = await panotti_bus(n, subscribers)
        # bubus runs near 1,000 events/s here: fewer events keep the run short; rates still compare.
        theirs = await bubus_bus(max(100, n // 20), subscribers)
        results += [bare, ours, theirs]
        ratios.append(
            f"{subscribers:>2} subscriber(s): panotti = {ours.rate / bare.rate:.2f} x bare queue"
            f" (target >= 0.33), {ours.rate / theirs.rate:.1f} x bubus (target > 1)"
        )
    with tempfile.TemporaryDirectory() as folder:
        durable = [
            await durable_publish(count, Path(folder), 1),
            await durable_publish(count, Path(folder), 1000),
            await panotti_bus(
                count, 1, SQLiteStore(Path(folder) / "dispatch.db"), "panotti SQLite publish + dispatch"
            ),
        ]
    results += durable
    print_table(results)
    print()
    for line in ratios:
        print(line)
    print(
        f"durable: {durable[1].rate:,.0f} events/s with batched commits (target >= 20,000);"
        f" {durable[2].rate:,.0f} events/s including delivery to one subscriber"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000, help="events per in-process run")
    asyncio.run(main(parser.parse_args().events))
