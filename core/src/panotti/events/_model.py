"""The event model: what travels on the bus and what the store keeps."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    TypeAdapter,
    field_validator,
    model_validator,
)

EVENT_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_JSON_ADAPTER: TypeAdapter[JsonValue] = TypeAdapter(JsonValue)
DataT = TypeVar("DataT")


class EventPriority(IntEnum):
    """Dispatch order: higher priorities are delivered first."""

    LOW = 0
    NORMAL = 1
    HIGH = 2
    CRITICAL = 3


def _new_id() -> str:
    return uuid.uuid4().hex


def _utc_now() -> datetime:
    return datetime.now(UTC)


class EventContext(BaseModel):
    """Where an event comes from and which chain of work it belongs to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correlation_id: str = Field(default_factory=_new_id)
    """Shared by every event caused, directly or not, by the same origin (one recording)."""
    causation_id: str | None = None
    """Id of the event whose handling published this one; ``None`` for an origin event."""
    source_plugin: str | None = None
    """Name of the plugin that published the event; ``None`` for the host."""
    timestamp: datetime = Field(default_factory=_utc_now)
    """When the event was created, in UTC."""
    metadata: dict[str, JsonValue] = Field(default_factory=dict)
    """Free-form, JSON-serialisable annotations."""

    @field_validator("timestamp")
    @classmethod
    def _as_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Event(BaseModel, Generic[DataT]):
    """A fact that happened, published on the bus.

    Untyped events carry JSON-serialisable ``data``. To declare a typed event,
    subclass ``Event[PayloadModel]`` and set ``event_name``; register the
    subclass (through the ``panotti_event_types`` hook, or
    :meth:`EventBus.register_event_type`) so that publishing validates the
    payload and handlers receive instances of the subclass.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_name: ClassVar[str | None] = None

    id: str = Field(default_factory=_new_id)
    name: str
    data: DataT = Field(default_factory=dict)  # type: ignore[assignment]
    context: EventContext = Field(default_factory=EventContext)
    priority: EventPriority = EventPriority.NORMAL

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, values: Any) -> Any:
        if isinstance(values, dict) and "name" not in values and cls.event_name:
            return {**values, "name": cls.event_name}
        return values

    @field_validator("name")
    @classmethod
    def _dotted_name(cls, value: str) -> str:
        if not EVENT_NAME_PATTERN.match(value):
            raise ValueError(f"event name {value!r} must be dotted lower case, like 'recording.ended'")
        if cls.event_name is not None and value != cls.event_name:
            raise ValueError(f"{cls.__name__} events are named {cls.event_name!r}, not {value!r}")
        return value

    @field_validator("data")
    @classmethod
    def _json_data(cls, value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value
        _JSON_ADAPTER.validate_python(value)
        return value

    @classmethod
    def create(
        cls,
        name: str | None = None,
        data: Any = None,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        source_plugin: str | None = None,
        priority: EventPriority = EventPriority.NORMAL,
        metadata: dict[str, JsonValue] | None = None,
    ) -> Self:
        """Build an event; a fresh correlation id is made when none is given."""
        resolved_name = name or cls.event_name
        if resolved_name is None:
            raise ValueError(f"{cls.__name__}.create needs a name")
        context = EventContext(
            correlation_id=correlation_id or _new_id(),
            causation_id=causation_id,
            source_plugin=source_plugin,
            metadata=metadata or {},
        )
        return cls(
            name=resolved_name,
            data={} if data is None else data,
            context=context,
            priority=priority,
        )

    def derive(
        self,
        name: str | None = None,
        data: Any = None,
        *,
        source_plugin: str | None = None,
        priority: EventPriority | None = None,
        event_type: type[Event[Any]] | None = None,
    ) -> Event[Any]:
        """Make a child event: same correlation id, causation id set to this event's id.

        Pass ``event_type`` to build a typed child (its ``event_name`` is used
        when ``name`` is omitted).
        """
        factory: type[Event[Any]] = event_type or Event
        return factory.create(
            name,
            data,
            correlation_id=self.context.correlation_id,
            causation_id=self.id,
            source_plugin=source_plugin,
            priority=self.priority if priority is None else priority,
        )

    @property
    def correlation_id(self) -> str:
        """Shortcut for ``context.correlation_id``."""
        return self.context.correlation_id

    def to_json(self) -> str:
        """Serialise for storage."""
        return self.model_dump_json()
