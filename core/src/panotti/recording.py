"""The events that start the pipeline: ``recording.started`` and ``recording.ended``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .events import Event

_RECORDING_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def validate_recording_id(value: str) -> str:
    """Return ``value`` if it is safe to use as a folder name, else raise ``ValueError``.

    Allowed: letters, digits, ``.``, ``_`` and ``-``, starting with a letter
    or digit, at most 128 characters, and never ``..``.
    """
    if not _RECORDING_ID.match(value) or ".." in value:
        raise ValueError(
            f"recording id {value!r} must be 1-128 letters, digits, '.', '_' or '-',"
            " start with a letter or digit, and not contain '..'"
        )
    return value


RecordingId = Annotated[str, AfterValidator(validate_recording_id)]


class SpeakerLabels(BaseModel):
    """Who speaks on each track."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    microphone: str = "Me"
    """Label of the person at the microphone."""
    system: str = "Others"
    """Label of the far end heard on the system-audio track."""


class RecordingMetadata(BaseModel):
    """What the person who recorded says about the meeting."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    attendees: list[str] = Field(default_factory=list)
    speakers: SpeakerLabels = Field(default_factory=SpeakerLabels)


class RecordingData(BaseModel):
    """Payload of the recording events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recording_id: RecordingId
    microphone_path: Path
    """The microphone track (the local speaker)."""
    system_path: Path | None = None
    """The system-audio track (the far end), when it was recorded."""
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    ended_at: datetime | None = None
    metadata: RecordingMetadata = Field(default_factory=RecordingMetadata)


class RecordingStarted(Event[RecordingData]):
    """A recording has begun."""

    event_name = "recording.started"


class RecordingEnded(Event[RecordingData]):
    """A recording is complete and its files can be processed."""

    event_name = "recording.ended"
