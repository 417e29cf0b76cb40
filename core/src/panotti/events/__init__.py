"""Events and the event bus."""

from typing import Any, Protocol

from ._bus import (
    DELIVERY_FAILED,
    EventBus,
    Handler,
    ProgressUpdate,
    RetryPolicy,
    Subscription,
    current_event,
)
from ._model import Event, EventContext, EventPriority
from ._sqlite import SQLiteStore
from ._store import (
    Delivery,
    DeliveryStatus,
    EventFilter,
    EventStore,
    MemoryStore,
    PendingDelivery,
)


class EventHandler(Protocol):
    """What a subscriber is: an async callable taking one event."""

    async def __call__(self, event: Event[Any], /) -> None: ...


__all__ = [
    "DELIVERY_FAILED",
    "Delivery",
    "DeliveryStatus",
    "Event",
    "EventBus",
    "EventContext",
    "EventFilter",
    "EventHandler",
    "EventPriority",
    "EventStore",
    "Handler",
    "MemoryStore",
    "PendingDelivery",
    "ProgressUpdate",
    "RetryPolicy",
    "SQLiteStore",
    "Subscription",
    "current_event",
]
