"""Panotti plugins: meeting notes from a transcript, offline or with an OpenAI-compatible model."""

from ._engines import make_notes, write_notes
from .events import (
    MeetingNotesCompleted,
    MeetingNotesCompletedData,
    MeetingNotesFailed,
    MeetingNotesFailedData,
)
from .local import summarise
from .notes import ActionItem, MeetingNotes, Point, Topic, to_markdown
from .plugin import LocalNotesPlugin, RemoteNotesPlugin
from .reader import TranscriptFormatError, TranscriptText, Utterance, read_transcript
from .remote import NotesError, RemoteEngine
from .settings import LocalNotesSettings, RemoteNotesSettings

__all__ = [
    "ActionItem",
    "LocalNotesPlugin",
    "LocalNotesSettings",
    "MeetingNotes",
    "MeetingNotesCompleted",
    "MeetingNotesCompletedData",
    "MeetingNotesFailed",
    "MeetingNotesFailedData",
    "NotesError",
    "Point",
    "RemoteEngine",
    "RemoteNotesPlugin",
    "RemoteNotesSettings",
    "Topic",
    "TranscriptFormatError",
    "TranscriptText",
    "Utterance",
    "make_notes",
    "read_transcript",
    "summarise",
    "to_markdown",
    "write_notes",
]
