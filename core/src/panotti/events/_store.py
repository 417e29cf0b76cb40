"""The storage interface of the bus, and the in-memory store used by tests."""

from __future__ import annotations

import fnmatch
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .._errors import StoreError
from ._model import Event


class DeliveryStatus(StrEnum):
    """Where one (event, subscriber) delivery stands."""

    PENDING = "pending"
    """Not yet handled successfully; retried, or resumed after a restart."""
    DELIVERED = "delivered"
    """The subscriber's handler returned without error."""
    DEAD = "dead"
    """Every attempt failed; kept as a dead letter until replayed."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One row per (event, subscriber): the durable record of a delivery."""

    event_id: str
    subscriber: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which stored events to list, replay or count. Unset fields match everything."""

    name_pattern: str | None = None
    """Glob on the event name: ``recording.*``, ``*.failed``, ``*``."""
    correlation_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: DeliveryStatus | None = None
    """Keep events having at least one delivery in this status."""
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class PendingDelivery:
    """A delivery that has not finished, with its event, as loaded on resume."""

    event: Event[Any]
    subscriber: str
    attempts: int


class EventStore(ABC):
    """Where the bus keeps events and delivery rows.

    ``append`` is durable when it returns: the bus awaits it before
    ``publish`` returns. Status updates (``record_attempt``,
    ``mark_delivered``, ``mark_dead``) are fire-and-forget: a store may batch
    them, because losing one only means the delivery is retried after a
    restart (delivery is at-least-once). A distributed backend implements the
    same interface; plugin code never sees it.
    """

    async def open(self) -> None:
        """Acquire resources (files, threads, connections)."""

    async def close(self) -> None:
        """Flush outstanding writes and release resources."""

    @abstractmethod
    async def append(self, event: Event[Any], subscribers: Sequence[str]) -> None:
        """Store the event and one pending delivery per subscriber, durably."""

    @abstractmethod
    async def reset_deliveries(self, event_id: str, subscribers: Sequence[str]) -> None:
        """Make these deliveries pending again with no attempts (replay)."""

    @abstractmethod
    def record_attempt(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        """A failed attempt that will be retried."""

    @abstractmethod
    def mark_delivered(self, event_id: str, subscriber: str, attempts: int) -> None:
        """The delivery succeeded."""

    @abstractmethod
    def mark_dead(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        """The last attempt failed: dead letter."""

    @abstractmethod
    async def pending(self) -> list[PendingDelivery]:
        """Every unfinished delivery, highest priority and oldest first."""

    @abstractmethod
    async def get(self, event_id: str) -> Event[Any] | None:
        """One event by id."""

    @abstractmethod
    async def ids_starting_with(self, prefix: str, limit: int = 2) -> list[str]:
        """Ids of stored events that start with ``prefix`` (for short ids typed by people)."""

    @abstractmethod
    async def deliveries(self, event_id: str) -> list[Delivery]:
        """The delivery rows of one event, ordered by subscriber."""

    @abstractmethod
    async def query(self, event_filter: EventFilter) -> list[Event[Any]]:
        """Events matching the filter, oldest first."""

    @abstractmethod
    async def prune(self, older_than: datetime) -> int:
        """Delete events older than the cutoff whose deliveries all succeeded.

        Events with a pending or dead delivery are never pruned. Returns the
        number of events deleted.
        """

    async def flush(self) -> None:
        """Wait until fire-and-forget updates are durable."""


def matches_filter(event: Event[Any], event_filter: EventFilter) -> bool:
    """Whether an event matches the name, correlation and time parts of a filter."""
    if event_filter.name_pattern and not fnmatch.fnmatchcase(event.name, event_filter.name_pattern):
        return False
    if event_filter.correlation_id and event.correlation_id != event_filter.correlation_id:
        return False
    created = event.context.timestamp
    if event_filter.since and created < event_filter.since:
        return False
    return not (event_filter.until and created > event_filter.until)


# Rows hold the status's string value, not the enum member: tuples of plain values are untracked
# by the garbage collector, so a store of many rows does not slow down every collection.
_Row = tuple[str, int, "str | None", "datetime | None"]
_PENDING = DeliveryStatus.PENDING.value
_DELIVERED = DeliveryStatus.DELIVERED.value
_NEW_ROW: _Row = (_PENDING, 0, None, None)


class MemoryStore(EventStore):
    """Keeps everything in dictionaries: fast, and gone when the process ends."""

    def __init__(self) -> None:
        self._events: dict[str, Event[Any]] = {}
        self._subscribers: dict[str, tuple[str, ...]] = {}
        # Immutable rows keyed by (event id, subscriber): few objects for the garbage collector.
        self._rows: dict[tuple[str, str], _Row] = {}

    async def append(self, event: Event[Any], subscribers: Sequence[str]) -> None:
        if event.id in self._events:
            raise StoreError(f"event {event.id} is already stored")
        self._events[event.id] = event
        self._subscribers[event.id] = tuple(subscribers)
        for name in subscribers:
            self._rows[event.id, name] = _NEW_ROW

    async def reset_deliveries(self, event_id: str, subscribers: Sequence[str]) -> None:
        known = self._subscribers.get(event_id, ())
        self._subscribers[event_id] = known + tuple(name for name in subscribers if name not in known)
        now = datetime.now(UTC)
        for name in subscribers:
            self._rows[event_id, name] = (_PENDING, 0, None, now)

    def _set(
        self, event_id: str, subscriber: str, status: DeliveryStatus, attempts: int, error: str | None
    ) -> None:
        row = self._rows.get((event_id, subscriber))
        if row is not None:
            self._rows[event_id, subscriber] = (status.value, attempts, error or row[2], datetime.now(UTC))

    def record_attempt(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        self._set(event_id, subscriber, DeliveryStatus.PENDING, attempts, error)

    def mark_delivered(self, event_id: str, subscriber: str, attempts: int) -> None:
        row = self._rows.get((event_id, subscriber))
        if row is not None:
            self._rows[event_id, subscriber] = (_DELIVERED, attempts, row[2], row[3])

    def mark_dead(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        self._set(event_id, subscriber, DeliveryStatus.DEAD, attempts, error)

    def _statuses(self, event_id: str) -> list[str]:
        return [self._rows[event_id, name][0] for name in self._subscribers[event_id]]

    async def pending(self) -> list[PendingDelivery]:
        found = [
            PendingDelivery(self._events[event_id], subscriber, row[1])
            for (event_id, subscriber), row in self._rows.items()
            if row[0] == _PENDING
        ]
        found.sort(key=lambda item: (-item.event.priority, item.event.context.timestamp))
        return found

    async def get(self, event_id: str) -> Event[Any] | None:
        return self._events.get(event_id)

    async def ids_starting_with(self, prefix: str, limit: int = 2) -> list[str]:
        return [event_id for event_id in self._events if event_id.startswith(prefix)][:limit]

    async def deliveries(self, event_id: str) -> list[Delivery]:
        names = sorted(self._subscribers.get(event_id, ()))
        rows = [(name, self._rows[event_id, name]) for name in names]
        return [
            Delivery(event_id, name, DeliveryStatus(row[0]), row[1], row[2], row[3]) for name, row in rows
        ]

    async def query(self, event_filter: EventFilter) -> list[Event[Any]]:
        found = [
            event
            for event in self._events.values()
            if matches_filter(event, event_filter)
            and (event_filter.status is None or event_filter.status.value in self._statuses(event.id))
        ]
        found.sort(key=lambda event: event.context.timestamp)
        return found[: event_filter.limit] if event_filter.limit else found

    async def prune(self, older_than: datetime) -> int:
        doomed = [
            event_id
            for event_id, event in self._events.items()
            if event.context.timestamp < older_than
            and all(status == _DELIVERED for status in self._statuses(event_id))
        ]
        for event_id in doomed:
            del self._events[event_id]
            for name in self._subscribers.pop(event_id):
                del self._rows[event_id, name]
        return len(doomed)
