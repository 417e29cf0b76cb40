"""The events this plugin publishes."""

from __future__ import annotations

from pydantic import BaseModel

from panotti import Event, RecordingData


class TranscriptionCompletedData(BaseModel):
    """Payload of ``transcription.completed``."""

    recording: RecordingData
    language: str | None
    markdown_path: str
    json_path: str
    webvtt_path: str
    segments: int
    engine: str
    used_cleaned_microphone: bool
    """Whether the microphone track came from noise reduction."""


class TranscriptionFailedData(BaseModel):
    """Payload of ``transcription.failed``."""

    recording: RecordingData
    reason: str


class TranscriptionCompleted(Event[TranscriptionCompletedData]):
    """A merged transcript was written."""

    event_name = "transcription.completed"


class TranscriptionFailed(Event[TranscriptionFailedData]):
    """No transcript could be made; nothing was written as one."""

    event_name = "transcription.failed"
