"""The host's own hook implementations."""

from __future__ import annotations

from typing import Any

from ..events import Event
from ..hookspecs import hookimpl
from ..recording import RecordingEnded, RecordingStarted


@hookimpl
def panotti_event_types() -> list[type[Event[Any]]]:
    """The recording events every pipeline starts from."""
    return [RecordingStarted, RecordingEnded]
