"""The events this plugin publishes."""

from __future__ import annotations

from pydantic import BaseModel

from panotti import Event

from .report import TrackReport


class ExampleCompletedData(BaseModel):
    """Payload of ``example.completed``."""

    recording_id: str
    report_path: str
    tracks: list[TrackReport]


class ExampleCompleted(Event[ExampleCompletedData]):
    """A report was written for a recording."""

    event_name = "example.completed"


class ExampleFailedData(BaseModel):
    """Payload of ``example.failed``."""

    recording_id: str
    reason: str


class ExampleFailed(Event[ExampleFailedData]):
    """No report could be made; ``reason`` names the file and the problem."""

    event_name = "example.failed"
