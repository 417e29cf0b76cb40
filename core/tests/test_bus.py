import asyncio
from typing import Any

import pytest
from test_events_model import SizeMeasured

from panotti import EventValidationError, SettleTimeout
from panotti.events import (
    DELIVERY_FAILED,
    DeliveryStatus,
    Event,
    EventBus,
    EventFilter,
    EventPriority,
    MemoryStore,
    RetryPolicy,
    current_event,
)

FAST_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.01, multiplier=2.0)


@pytest.fixture
async def bus():
    bus = EventBus(MemoryStore(), retry=FAST_RETRY, handler_timeout=1.0)
    await bus.start()
    yield bus
    await bus.stop()


async def test_exact_and_pattern_subscriptions(bus: EventBus) -> None:
    seen: dict[str, list[str]] = {"exact": [], "glob": [], "all": []}

    async def exact(event: Event[Any]) -> None:
        seen["exact"].append(event.name)

    async def glob(event: Event[Any]) -> None:
        seen["glob"].append(event.name)

    async def everything(event: Event[Any]) -> None:
        seen["all"].append(event.name)

    bus.subscribe("recording.ended", exact)
    bus.subscribe("recording.*", glob)
    everything_subscription = bus.subscribe("*", everything)
    for name in ["recording.started", "recording.ended", "notes.completed"]:
        await bus.publish(Event.create(name))
    await bus.drain(5)
    bus.unsubscribe(everything_subscription)
    await bus.publish(Event.create("recording.paused"))
    await bus.drain(5)

    assert seen["exact"] == ["recording.ended"]
    assert sorted(seen["glob"]) == ["recording.ended", "recording.paused", "recording.started"]
    assert sorted(seen["all"]) == ["notes.completed", "recording.ended", "recording.started"]


async def test_higher_priority_is_delivered_first() -> None:
    bus = EventBus(MemoryStore(), concurrency=1)
    order: list[str] = []
    gate = asyncio.Event()

    async def handler(event: Event[Any]) -> None:
        if event.name == "gate.closed":
            await gate.wait()
        else:
            order.append(event.name)

    bus.subscribe("*", handler)
    async with bus:
        await bus.publish(Event.create("gate.closed"))
        await asyncio.sleep(0.01)
        for name, priority in [
            ("p.low", EventPriority.LOW),
            ("p.normal", EventPriority.NORMAL),
            ("p.critical", EventPriority.CRITICAL),
            ("p.high", EventPriority.HIGH),
        ]:
            await bus.publish(Event.create(name, priority=priority))
        gate.set()
        await bus.drain(5)
    assert order == ["p.critical", "p.high", "p.normal", "p.low"]


async def test_failing_handler_is_retried_then_dead_lettered_without_harming_others(bus: EventBus) -> None:
    attempts: list[int] = []
    healthy: list[str] = []

    async def broken(event: Event[Any]) -> None:
        attempts.append(1)
        raise RuntimeError("disk on fire")

    async def fine(event: Event[Any]) -> None:
        healthy.append(event.id)

    bus.subscribe("job.created", broken, subscriber="broken")
    bus.subscribe("job.created", fine, subscriber="fine")
    event = await bus.publish(Event.create("job.created"))  # returns: the failure is not the publisher's
    await bus.settled(event.correlation_id, 5)

    assert len(attempts) == 3 and healthy == [event.id]
    rows = {row.subscriber: row for row in await bus.store.deliveries(event.id)}
    assert rows["broken"].status is DeliveryStatus.DEAD and rows["broken"].attempts == 3
    assert rows["broken"].last_error == "RuntimeError: disk on fire"
    assert rows["fine"].status is DeliveryStatus.DELIVERED
    failures = await bus.store.query(EventFilter(name_pattern=DELIVERY_FAILED))
    assert len(failures) == 1
    assert failures[0].data["subscriber"] == "broken"
    assert failures[0].context.causation_id == event.id
    assert failures[0].correlation_id == event.correlation_id


async def test_retry_delays_grow_exponentially() -> None:
    policy = RetryPolicy(max_attempts=5, initial_delay=0.5, multiplier=2.0, max_delay=3.0)
    assert [policy.delay(n) for n in range(1, 5)] == [0.5, 1.0, 2.0, 3.0]


async def test_hanging_handler_times_out_and_others_still_run() -> None:
    bus = EventBus(MemoryStore(), concurrency=2, handler_timeout=0.1, retry=RetryPolicy(1))
    done: list[str] = []

    async def hangs(event: Event[Any]) -> None:
        await asyncio.sleep(3600)

    async def quick(event: Event[Any]) -> None:
        done.append(event.name)

    bus.subscribe("job.*", hangs, subscriber="hangs")
    bus.subscribe("job.*", quick, subscriber="quick")
    async with bus:
        events = [await bus.publish(Event.create(f"job.n{i}")) for i in range(3)]
        await bus.drain(5)
        rows = [row for event in events for row in await bus.store.deliveries(event.id)]
    assert sorted(done) == ["job.n0", "job.n1", "job.n2"]
    dead = [row for row in rows if row.subscriber == "hangs"]
    assert all(row.status is DeliveryStatus.DEAD and "timed out" in (row.last_error or "") for row in dead)


async def test_settled_waits_for_the_whole_chain(bus: EventBus) -> None:
    finished: list[str] = []

    async def step_one(event: Event[Any]) -> None:
        await asyncio.sleep(0.05)
        await bus.publish(event.derive("step.two"))

    async def step_two(event: Event[Any]) -> None:
        await asyncio.sleep(0.05)
        finished.append(event.correlation_id)

    bus.subscribe("step.one", step_one)
    bus.subscribe("step.two", step_two)
    origin = await bus.publish(Event.create("step.one"))
    await bus.settled(origin.correlation_id, 5)
    assert finished == [origin.correlation_id]


async def test_settled_raises_after_timeout(bus: EventBus) -> None:
    async def slow(event: Event[Any]) -> None:
        await asyncio.sleep(0.5)

    bus.subscribe("slow.job", slow)
    event = await bus.publish(Event.create("slow.job"))
    with pytest.raises(SettleTimeout, match="did not settle"):
        await bus.settled(event.correlation_id, 0.05)


async def test_current_event_is_set_inside_handlers(bus: EventBus) -> None:
    seen: list[str | None] = []

    async def handler(event: Event[Any]) -> None:
        current = current_event.get()
        seen.append(current.id if current else None)

    bus.subscribe("a.b", handler)
    event = await bus.publish(Event.create("a.b"))
    await bus.drain(5)
    assert seen == [event.id] and current_event.get() is None


async def test_registered_types_validate_on_publish_and_reach_handlers_typed(bus: EventBus) -> None:
    received: list[Any] = []

    async def handler(event: SizeMeasured) -> None:
        received.append(event)

    bus.subscribe(SizeMeasured, handler)
    await bus.publish(Event.create("size.measured", {"size": 4}))
    await bus.drain(5)
    assert isinstance(received[0], SizeMeasured) and received[0].data.size == 4
    with pytest.raises(EventValidationError, match="SizeMeasured"):
        await bus.publish(Event.create("size.measured", {"size": "huge"}))


async def test_subscriber_ids_are_unique(bus: EventBus) -> None:
    async def handler(event: Event[Any]) -> None: ...

    bus.subscribe("a.b", handler, subscriber="same")
    with pytest.raises(ValueError, match="already subscribed"):
        bus.subscribe("c.d", handler, subscriber="same")


async def test_replay_to_one_subscriber(bus: EventBus) -> None:
    calls: dict[str, int] = {"one": 0, "two": 0}

    def counter(key: str):
        async def handler(event: Event[Any]) -> None:
            calls[key] += 1

        return handler

    bus.subscribe("job.done", counter("one"), subscriber="one")
    bus.subscribe("job.done", counter("two"), subscriber="two")
    event = await bus.publish(Event.create("job.done"))
    await bus.drain(5)
    count = await bus.replay(EventFilter(correlation_id=event.correlation_id), subscriber="two")
    await bus.drain(5)
    assert count == 1 and calls == {"one": 1, "two": 2}


async def test_progress_listeners_get_updates_and_can_be_removed(bus: EventBus) -> None:
    from panotti.events import ProgressUpdate

    updates: list[float] = []
    remove = bus.add_progress_listener(lambda update: updates.append(update.fraction))
    bus.report_progress(ProgressUpdate("x", "c", 0.5))
    remove()
    bus.report_progress(ProgressUpdate("x", "c", 1.0))
    assert updates == [0.5]


async def test_publish_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        await EventBus().publish(Event.create("a.b"))


async def test_a_handler_that_swallows_its_timeout_does_not_stop_the_worker() -> None:
    bus = EventBus(MemoryStore(), concurrency=1, handler_timeout=0.05, retry=RetryPolicy(1))
    done: list[str] = []

    async def stubborn(event: Event[Any]) -> None:
        if event.name == "job.stubborn":
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                return  # refuses to be cancelled
        done.append(event.name)

    bus.subscribe("job.*", stubborn)
    async with bus:
        await bus.publish(Event.create("job.stubborn"))
        await bus.publish(Event.create("job.after"))
        await bus.drain(5)
    assert done == ["job.after"]
