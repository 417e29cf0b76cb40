import asyncio
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from panotti import StoreError
from panotti.events import DeliveryStatus, Event, EventBus, EventFilter, RetryPolicy, SQLiteStore


async def test_event_is_on_disk_when_publish_returns(tmp_path: Path) -> None:
    database = tmp_path / "events.db"
    bus = EventBus(SQLiteStore(database))

    async def handler(event: Event[Any]) -> None:
        await asyncio.sleep(10)

    bus.subscribe("job.created", handler, subscriber="worker")
    async with bus:
        event = await bus.publish(Event.create("job.created", {"n": 1}))
        with sqlite3.connect(database) as other:  # a second connection sees the commit
            assert other.execute("SELECT name FROM events WHERE id = ?", (event.id,)).fetchone() == (
                "job.created",
            )
            assert other.execute(
                "SELECT status FROM deliveries WHERE event_id = ? AND subscriber = 'worker'", (event.id,)
            ).fetchone() == ("pending",)


async def test_duplicate_event_id_is_refused_and_others_in_the_batch_kept(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "events.db")
    await store.open()
    first = Event.create("a.b")
    await store.append(first, [])
    results = await asyncio.gather(
        store.append(Event.create("a.c"), []), store.append(first, []), return_exceptions=True
    )
    await store.close()
    assert results[0] is None and isinstance(results[1], StoreError)


async def test_unfinished_deliveries_resume_after_restart(tmp_path: Path) -> None:
    database = tmp_path / "events.db"
    delivered: list[str] = []
    release = asyncio.Event()

    async def blocked(event: Event[Any]) -> None:
        await release.wait()

    first = EventBus(SQLiteStore(database))
    first.subscribe("job.created", blocked, subscriber="worker")
    async with first:
        published = [await first.publish(Event.create("job.created", {"n": n})) for n in range(5)]
    # stopped mid-dispatch: every delivery is still pending

    async def worker(event: Event[Any]) -> None:
        delivered.append(event.id)

    second = EventBus(SQLiteStore(database))
    second.subscribe("job.created", worker, subscriber="worker")
    async with second:
        assert await second.resume() == 5
        await second.drain(5)
        statuses = {row.status for e in published for row in await second.store.deliveries(e.id)}
    assert sorted(delivered) == sorted(event.id for event in published)
    assert statuses == {DeliveryStatus.DELIVERED}


async def test_query_filters_and_replay(tmp_path: Path) -> None:
    bus = EventBus(SQLiteStore(tmp_path / "events.db"), retry=RetryPolicy(1))
    calls: list[str] = []

    async def handler(event: Event[Any]) -> None:
        calls.append(event.name)
        if event.name == "job.failed":
            raise ValueError("nope")

    bus.subscribe("job.*", handler, subscriber="worker")
    async with bus:
        origin = await bus.publish(Event.create("job.created"))
        await bus.publish(origin.derive("job.failed"))
        await bus.publish(Event.create("other.thing"))
        await bus.drain(5)
        store = bus.store
        by_correlation = await store.query(EventFilter(correlation_id=origin.correlation_id))
        dead = await store.query(EventFilter(status=DeliveryStatus.DEAD))
        by_name = await store.query(EventFilter(name_pattern="job.*"))
        future = await store.query(EventFilter(since=datetime.now(UTC) + timedelta(minutes=1)))
        replayed = await bus.replay(EventFilter(status=DeliveryStatus.DEAD))
        await bus.drain(5)
    assert [e.name for e in by_correlation] == ["job.created", "job.failed", "delivery.failed"]
    assert [e.name for e in dead] == ["job.failed"]
    assert [e.name for e in by_name] == ["job.created", "job.failed"]
    assert future == [] and replayed == 1
    assert calls.count("job.failed") == 2


async def test_prune_keeps_pending_and_dead_events(tmp_path: Path) -> None:
    bus = EventBus(SQLiteStore(tmp_path / "events.db"), retry=RetryPolicy(1))
    gate = asyncio.Event()

    async def handler(event: Event[Any]) -> None:
        if event.name == "job.dead":
            raise RuntimeError("broken")
        if event.name == "job.pending":
            await gate.wait()

    bus.subscribe("job.*", handler, subscriber="worker")
    async with bus:
        old = datetime.now(UTC) - timedelta(days=30)
        for name in ["job.done", "job.dead", "job.pending"]:
            event = Event.create(name)
            event = event.model_copy(update={"context": event.context.model_copy(update={"timestamp": old})})
            await bus.publish(event)
        fresh = await bus.publish(Event.create("job.done"))
        await asyncio.sleep(0.1)
        await bus.store.flush()
        pruned = await bus.store.prune(datetime.now(UTC) - timedelta(days=7))
        left = {e.name for e in await bus.store.query(EventFilter())}
        gate.set()
        await bus.drain(5)
    assert pruned == 1
    assert left == {"job.dead", "job.pending", "delivery.failed", "job.done"}
    assert fresh.name == "job.done"


async def test_unwritable_location_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="file"):
        await SQLiteStore(blocker / "events.db").open()


_CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from panotti.events import Event, EventBus, SQLiteStore

    database, log, mode = sys.argv[1:4]

    async def main():
        bus = EventBus(SQLiteStore(database), concurrency=4)

        async def handler(event):
            await asyncio.sleep(0.02)
            with open(log, "a") as handle:
                handle.write(event.id + "\\n")

        bus.subscribe("job.created", handler, subscriber="worker")
        await bus.start()
        await bus.resume()
        if mode == "publish":
            for n in range(400):
                event = await bus.publish(Event.create("job.created", {"n": n}))
                print(event.id, flush=True)
            await asyncio.sleep(3600)
        else:
            await bus.drain(60)
            await bus.stop()

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_kill_9_during_dispatch_loses_no_accepted_event(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    database, log = tmp_path / "events.db", tmp_path / "delivered.log"
    child = subprocess.Popen(
        [sys.executable, str(script), str(database), str(log), "publish"], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    accepted = [child.stdout.readline().strip() for _ in range(150)]
    child.kill()  # SIGKILL while still publishing and dispatching
    child.wait()
    before = set(log.read_text().split()) if log.exists() else set()
    assert len(before) < len(accepted), "the kill came too late to test anything"

    subprocess.run([sys.executable, str(script), str(database), str(log), "resume"], check=True, timeout=120)

    delivered = set(log.read_text().split())
    assert set(accepted) <= delivered
