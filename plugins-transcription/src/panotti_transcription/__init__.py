"""Panotti plugin: local or remote transcription of both tracks, merged into one transcript."""

from ._backends import BackendError, LocalBackend, RemoteBackend
from ._run import transcribe_tracks, write_outputs
from .events import (
    TranscriptionCompleted,
    TranscriptionCompletedData,
    TranscriptionFailed,
    TranscriptionFailedData,
)
from .plugin import TranscriptionPlugin
from .settings import TranscriptionSettings
from .transcript import Segment, Transcript, Word, merge, to_markdown, to_webvtt

__all__ = [
    "BackendError",
    "LocalBackend",
    "RemoteBackend",
    "Segment",
    "Transcript",
    "TranscriptionCompleted",
    "TranscriptionCompletedData",
    "TranscriptionFailed",
    "TranscriptionFailedData",
    "TranscriptionPlugin",
    "TranscriptionSettings",
    "Word",
    "merge",
    "to_markdown",
    "to_webvtt",
    "transcribe_tracks",
    "write_outputs",
]
