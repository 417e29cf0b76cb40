"""The async event bus: durable publish, prioritised dispatch, retries, dead letters."""

from __future__ import annotations

import asyncio
import contextvars
import fnmatch
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from .._errors import EventValidationError, SettleTimeout
from ._model import Event, EventPriority
from ._ready import ReadyQueue
from ._store import EventFilter, EventStore, MemoryStore

logger = logging.getLogger("panotti.events")

EventT = TypeVar("EventT", bound=Event[Any])
Handler = Callable[[Any], Awaitable[Any] | Any]
ProgressListener = Callable[["ProgressUpdate"], None]

DELIVERY_FAILED = "delivery.failed"

current_event: contextvars.ContextVar[Event[Any] | None] = contextvars.ContextVar(
    "panotti_current_event", default=None
)
"""The event whose handler is running in this context (``None`` outside handlers)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how soon a failed delivery is tried again."""

    max_attempts: int = 3
    initial_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0

    def delay(self, failed_attempt: int) -> float:
        """Seconds to wait after the given (1-based) failed attempt."""
        return min(self.max_delay, self.initial_delay * self.multiplier ** (failed_attempt - 1))


@dataclass(eq=False, slots=True)
class Subscription:
    """A handler subscribed to an event name or glob pattern."""

    pattern: str
    handler: Handler
    subscriber: str
    """Stable id of the subscriber; delivery rows are kept per (event, subscriber)."""
    timeout: float | None = None
    max_attempts: int | None = None

    def matches(self, name: str) -> bool:
        """Whether this subscription receives events with this name."""
        return self.pattern == name or fnmatch.fnmatchcase(name, self.pattern)


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    """How far a plugin is with the work of one correlation id (not stored)."""

    plugin: str
    correlation_id: str
    fraction: float
    message: str = ""


class _Worker:
    """One dispatch task, and the deadline of the handler it is running."""

    __slots__ = ("deadline", "task", "timed_out")

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None
        self.deadline: float | None = None
        self.timed_out = False


_Delivery = tuple[Event[Any], Subscription, int]


class EventBus:
    """Publishes events durably and delivers them to subscribers asynchronously.

    ``publish`` returns once the event and one delivery row per matching
    subscriber are stored. Workers (``concurrency`` of them) deliver in
    priority order; each call has a ``handler_timeout``; failures are retried
    with exponential backoff and, after the last attempt, the delivery becomes
    a dead letter and a ``delivery.failed`` event is published. Delivery is
    at-least-once: after a crash, unfinished deliveries resume on
    :meth:`resume`.
    """

    def __init__(
        self,
        store: EventStore | None = None,
        *,
        concurrency: int = 16,
        handler_timeout: float = 300.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.store: EventStore = store or MemoryStore()
        self.concurrency = concurrency
        self.handler_timeout = handler_timeout
        self.retry = retry or RetryPolicy()
        self._subscriptions: list[Subscription] = []
        self._subscribers: dict[str, Subscription] = {}
        self._routes: dict[str, tuple[tuple[Subscription, ...], tuple[str, ...]]] = {}
        self._event_types: dict[str, type[Event[Any]]] = {}
        self._ready: ReadyQueue[_Delivery] = ReadyQueue()
        self._workers: list[_Worker] = []
        self._watchdog: asyncio.Task[None] | None = None
        self._retry_timers: set[asyncio.TimerHandle] = set()
        # Unfinished deliveries per correlation id (plain ints: this runs per delivery), and
        # the futures of callers waiting for a correlation id to settle.
        self._inflight: dict[str, int] = {}
        self._settle_waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._progress_listeners: list[ProgressListener] = []
        self._taps: list[Callable[[Event[Any]], None]] = []
        self._running = False

    # -- types and subscriptions ---------------------------------------------

    def register_event_type(self, event_type: type[Event[Any]]) -> None:
        """Validate events of this type's name against it, and hand handlers instances of it."""
        name = event_type.event_name
        if not name:
            raise ValueError(f"{event_type.__name__} has no event_name")
        known = self._event_types.get(name)
        if known is not None and known is not event_type:
            raise ValueError(
                f"event name {name!r} is already typed by {known.__module__}.{known.__qualname__}"
            )
        self._event_types[name] = event_type

    def event_type(self, name: str) -> type[Event[Any]] | None:
        """The registered type for an event name, if any."""
        return self._event_types.get(name)

    @property
    def event_types(self) -> dict[str, type[Event[Any]]]:
        """Registered typed events by name."""
        return dict(self._event_types)

    def subscribe(
        self,
        pattern: str | type[Event[Any]],
        handler: Handler,
        *,
        subscriber: str | None = None,
        timeout: float | None = None,
        max_attempts: int | None = None,
    ) -> Subscription:
        """Call ``handler`` for every event whose name matches ``pattern``.

        ``pattern`` is an exact name, a glob (``recording.*``, ``*``) or a
        typed event class. ``subscriber`` is the stable id under which
        deliveries are stored; it defaults to the handler's qualified name and
        must be unique on this bus.
        """
        if isinstance(pattern, type):
            self.register_event_type(pattern)
            assert pattern.event_name is not None
            pattern = pattern.event_name
        if not callable(handler):
            raise TypeError("handler must be callable")
        handler = _as_async(handler)
        subscriber = subscriber or _default_subscriber_id(getattr(handler, "__wrapped__", handler))
        if subscriber in self._subscribers:
            raise ValueError(f"subscriber id {subscriber!r} is already subscribed on this bus")
        subscription = Subscription(pattern, handler, subscriber, timeout, max_attempts)
        self._subscriptions.append(subscription)
        self._subscribers[subscriber] = subscription
        self._routes.clear()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop delivering to a subscription (its stored deliveries stay)."""
        if self._subscribers.get(subscription.subscriber) is subscription:
            del self._subscribers[subscription.subscriber]
            self._subscriptions.remove(subscription)
            self._routes.clear()

    @property
    def subscriptions(self) -> tuple[Subscription, ...]:
        """Current subscriptions, in subscription order."""
        return tuple(self._subscriptions)

    def _route(self, name: str) -> tuple[tuple[Subscription, ...], tuple[str, ...]]:
        """The subscriptions receiving this name, and their subscriber ids (cached)."""
        route = self._routes.get(name)
        if route is None:
            subscriptions = tuple(s for s in self._subscriptions if s.matches(name))
            route = self._routes[name] = (subscriptions, tuple(s.subscriber for s in subscriptions))
        return route

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        """Open the store and start the workers. Call :meth:`resume` once subscribers are in."""
        if self._running:
            return
        await self.store.open()
        self._ready = ReadyQueue()
        self._workers = [_Worker() for _ in range(self.concurrency)]
        for index, worker in enumerate(self._workers):
            worker.task = asyncio.create_task(self._work(worker), name=f"panotti-bus-worker-{index}")
        self._watchdog = asyncio.create_task(self._watch(), name="panotti-bus-watchdog")
        self._running = True

    async def stop(self) -> None:
        """Stop dispatching and close the store; unfinished deliveries stay pending."""
        if not self._running:
            return
        self._running = False
        for timer in self._retry_timers:
            timer.cancel()
        self._retry_timers.clear()
        tasks = [worker.task for worker in self._workers if worker.task is not None]
        if self._watchdog is not None:
            tasks.append(self._watchdog)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers = []
        self._watchdog = None
        for futures in self._settle_waiters.values():
            for future in futures:
                if not future.done():
                    future.cancel()
        self._settle_waiters.clear()
        self._inflight.clear()
        await self.store.close()

    async def __aenter__(self) -> EventBus:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def resume(self) -> int:
        """Dispatch every stored delivery that has not finished; returns how many.

        Deliveries whose subscriber is not subscribed now stay pending.
        """
        resumed = 0
        for pending in await self.store.pending():
            subscription = self._subscribers.get(pending.subscriber)
            if subscription is None:
                logger.warning(
                    "delivery of event %s to %s stays pending: no such subscriber now",
                    pending.event.id,
                    pending.subscriber,
                )
                continue
            try:
                event = self._typed(pending.event)
            except EventValidationError as error:
                self._begin(pending.event)
                await self._give_up(pending.event, subscription, pending.attempts, str(error))
                continue
            self._begin(event)
            self._enqueue(event, subscription, pending.attempts + 1)
            resumed += 1
        return resumed

    # -- publishing ----------------------------------------------------------

    def _typed(self, event: Event[Any]) -> Event[Any]:
        event_type = self._event_types.get(event.name)
        if event_type is None or isinstance(event, event_type):
            return event
        try:
            return event_type.model_validate(event.model_dump())
        except ValidationError as error:
            raise EventValidationError(
                f"event {event.name!r} does not match {event_type.__qualname__}: {error}"
            ) from error

    async def publish(self, event: EventT) -> EventT:
        """Store the event durably, then schedule its delivery; returns the stored event."""
        if not self._running:
            raise RuntimeError("the event bus is not started")
        typed = self._typed(event) if event.name in self._event_types else event
        route, subscriber_ids = self._routes.get(typed.name) or self._route(typed.name)
        await self.store.append(typed, subscriber_ids)
        if self._taps:
            self._tell_taps(typed)
        if route:
            self._begin(typed, len(route))
            priority = typed.priority
            put = self._ready.put
            for subscription in route:
                put(priority, (typed, subscription, 1))
        return typed  # type: ignore[return-value]

    def _tell_taps(self, event: Event[Any]) -> None:
        for tap in self._taps:
            try:
                tap(event)
            except Exception:
                logger.exception("event tap failed on %s", event.id)

    async def replay(self, event_filter: EventFilter, subscriber: str | None = None) -> int:
        """Deliver stored events matching the filter again; returns the number of deliveries.

        With ``subscriber``, only to that subscriber (if it matches the event).
        """
        count = 0
        for stored in await self.store.query(event_filter):
            event = self._typed(stored)
            subscriptions, _ = self._route(event.name)
            route = [s for s in subscriptions if subscriber is None or s.subscriber == subscriber]
            if not route:
                continue
            await self.store.reset_deliveries(event.id, [s.subscriber for s in route])
            for subscription in route:
                self._begin(event)
                self._enqueue(event, subscription, 1)
                count += 1
        return count

    # -- settling ------------------------------------------------------------

    def _begin(self, event: Event[Any], count: int = 1) -> None:
        correlation = event.context.correlation_id
        self._inflight[correlation] = self._inflight.get(correlation, 0) + count

    def _finish(self, event: Event[Any]) -> None:
        correlation = event.context.correlation_id
        left = self._inflight[correlation] - 1
        if left:
            self._inflight[correlation] = left
            return
        del self._inflight[correlation]
        for future in self._settle_waiters.pop(correlation, ()):
            if not future.done():
                future.set_result(None)

    def pending_count(self, correlation_id: str | None = None) -> int:
        """Deliveries not finished yet, for one correlation id or in total."""
        if correlation_id is not None:
            return self._inflight.get(correlation_id, 0)
        return sum(self._inflight.values())

    async def settled(self, correlation_id: str, timeout: float | None = None) -> None:
        """Wait until every delivery caused by this correlation id has finished.

        Handlers publish their follow-up events before they return, so the
        chain is complete when the count reaches zero. Raises
        :class:`SettleTimeout` after ``timeout`` seconds.
        """
        if correlation_id not in self._inflight:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._settle_waiters.setdefault(correlation_id, []).append(future)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise SettleTimeout(
                f"work for correlation id {correlation_id} did not settle in {timeout} s"
                f" ({self.pending_count(correlation_id)} deliveries unfinished)"
            ) from None

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until no delivery is unfinished, for every correlation id."""
        async with asyncio.timeout(timeout):
            while self._inflight:
                await self.settled(next(iter(self._inflight)))

    # -- observers (not stored, not retried) ---------------------------------

    def add_tap(self, tap: Callable[[Event[Any]], None]) -> Callable[[], None]:
        """Be told synchronously of every stored event, without being a subscriber.

        For displays such as the CLI's: a tap gets no delivery row, so it
        leaves nothing pending behind. Returns a function that removes it.
        """
        self._taps.append(tap)
        return lambda: self._taps.remove(tap)

    def add_progress_listener(self, listener: ProgressListener) -> Callable[[], None]:
        """Be told of progress updates; returns a function that removes the listener."""
        self._progress_listeners.append(listener)
        return lambda: self._progress_listeners.remove(listener)

    def report_progress(self, update: ProgressUpdate) -> None:
        """Pass a progress update to the listeners (progress is not stored)."""
        for listener in list(self._progress_listeners):
            try:
                listener(update)
            except Exception:
                logger.exception("progress listener failed")

    # -- dispatch ------------------------------------------------------------

    def _enqueue(self, event: Event[Any], subscription: Subscription, attempt: int) -> None:
        self._ready.put(event.priority, (event, subscription, attempt))

    async def _work(self, worker: _Worker) -> None:
        # The hottest loop of the bus: names are bound locally, and current_event is set but not
        # reset, because nothing reads it in a worker between two deliveries.
        ready = self._ready
        take = ready.take
        clock = asyncio.get_running_loop().time
        subscribers = self._subscribers
        store = self.store
        set_current = current_event.set
        task = asyncio.current_task()
        assert task is not None
        while True:
            item = take()
            if item is None:
                await ready.wait()
                continue
            event, subscription, attempt = item
            if subscribers.get(subscription.subscriber) is not subscription:
                self._finish(event)  # unsubscribed meanwhile; the row stays pending
                continue
            timeout = subscription.timeout or self.handler_timeout
            set_current(event)
            worker.deadline = clock() + timeout
            failure: str | None = None
            try:
                await subscription.handler(event)
            except asyncio.CancelledError:
                if not worker.timed_out:
                    raise  # the bus is stopping: the delivery stays pending
                failure = f"timed out after {timeout:g} s"
            except Exception as error:
                failure = f"{type(error).__name__}: {error}"
            worker.deadline = None
            if worker.timed_out:  # the watchdog fired, whether or not the handler let it through
                worker.timed_out = False
                task.uncancel()
            if failure is None:
                store.mark_delivered(event.id, subscription.subscriber, attempt)
                self._finish(event)
            else:
                await self._failed(event, subscription, attempt, failure)

    async def _watch(self) -> None:
        """Cancel handlers that run past their deadline (one timer for all workers)."""
        loop = asyncio.get_running_loop()
        while True:
            timeouts = [s.timeout for s in self._subscriptions if s.timeout] + [self.handler_timeout]
            await asyncio.sleep(min(0.25, max(0.005, min(timeouts) / 10)))
            now = loop.time()
            for worker in self._workers:
                deadline = worker.deadline
                if deadline is not None and now >= deadline and not worker.timed_out and worker.task:
                    worker.timed_out = True
                    worker.task.cancel()

    async def _failed(self, event: Event[Any], subscription: Subscription, attempt: int, reason: str) -> None:
        max_attempts = subscription.max_attempts or self.retry.max_attempts
        if attempt < max_attempts:
            delay = self.retry.delay(attempt)
            logger.warning(
                "%s failed on %s %s (attempt %d of %d, retry in %.2g s): %s",
                subscription.subscriber,
                event.name,
                event.id,
                attempt,
                max_attempts,
                delay,
                reason,
            )
            self.store.record_attempt(event.id, subscription.subscriber, attempt, reason)
            loop = asyncio.get_running_loop()
            timer: asyncio.TimerHandle | None = None

            def retry() -> None:
                assert timer is not None
                self._retry_timers.discard(timer)
                self._enqueue(event, subscription, attempt + 1)

            timer = loop.call_later(delay, retry)
            self._retry_timers.add(timer)
            return
        await self._give_up(event, subscription, attempt, reason)

    async def _give_up(
        self, event: Event[Any], subscription: Subscription, attempts: int, reason: str
    ) -> None:
        logger.error(
            "%s gave up on %s %s after %d attempts: %s",
            subscription.subscriber,
            event.name,
            event.id,
            attempts,
            reason,
        )
        self.store.mark_dead(event.id, subscription.subscriber, attempts, reason)
        try:
            if event.name != DELIVERY_FAILED:
                await self.publish(
                    event.derive(
                        DELIVERY_FAILED,
                        {
                            "event_id": event.id,
                            "event_name": event.name,
                            "subscriber": subscription.subscriber,
                            "attempts": attempts,
                            "error": reason,
                        },
                        priority=EventPriority.HIGH,
                    )
                )
        except Exception:
            logger.exception("could not publish delivery.failed for event %s", event.id)
        finally:
            self._finish(event)


def _as_async(handler: Handler) -> Callable[[Any], Awaitable[Any]]:
    """The handler itself when it is async; otherwise an async wrapper around it."""
    call = getattr(handler, "__call__", None)  # noqa: B004 - async callable objects count too
    if inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(call):
        return handler

    @functools.wraps(handler)
    async def call_async(event: Event[Any]) -> Any:
        result = handler(event)
        if inspect.isawaitable(result):
            return await result
        return result

    return call_async


def _default_subscriber_id(handler: Handler) -> str:
    module = getattr(handler, "__module__", None) or "handler"
    qualname = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{module}.{qualname}"
