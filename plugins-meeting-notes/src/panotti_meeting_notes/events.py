"""The events the notes plugins publish."""

from __future__ import annotations

from pydantic import BaseModel

from panotti import Event, RecordingData


class MeetingNotesCompletedData(BaseModel):
    """Payload of ``meeting_notes.completed``."""

    recording: RecordingData
    engine: str
    markdown_path: str
    json_path: str
    action_items: int


class MeetingNotesFailedData(BaseModel):
    """Payload of ``meeting_notes.failed`` (no notes were written)."""

    recording: RecordingData
    engine: str
    reason: str


class MeetingNotesCompleted(Event[MeetingNotesCompletedData]):
    """Notes were written."""

    event_name = "meeting_notes.completed"


class MeetingNotesFailed(Event[MeetingNotesFailedData]):
    """No notes could be written; the reason says why."""

    event_name = "meeting_notes.failed"
