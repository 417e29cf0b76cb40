"""The two plugins: ``meeting_notes_local`` and ``meeting_notes_remote``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from panotti import Event, PluginBase, RecordingData, handles, hookimpl

from ._cli import notes
from ._engines import make_notes, write_notes
from .events import (
    MeetingNotesCompleted,
    MeetingNotesCompletedData,
    MeetingNotesFailed,
    MeetingNotesFailedData,
)
from .reader import TranscriptFormatError
from .remote import NotesError
from .settings import LocalNotesSettings, RemoteNotesSettings

_PROBLEMS = (NotesError, TranscriptFormatError, OSError, ValueError)


class _NotesPlugin(PluginBase[Any]):
    engine_label = ""

    @handles("transcription.completed", timeout=3 * 3600, max_attempts=1)
    async def on_transcript(self, event: Event[Any]) -> None:
        """Write notes for the transcript; a failure is reported, never written as notes."""
        data = event.data.model_dump(mode="json") if hasattr(event.data, "model_dump") else dict(event.data)
        recording = RecordingData.model_validate(data["recording"])
        metadata = recording.metadata
        try:
            made = await self._run(
                make_notes,
                Path(data["json_path"]),
                self.settings,
                title=metadata.title,
                attendees=metadata.attendees,
                date=recording.started_at,
            )
            markdown, sidecar = await self.run_in_thread(
                write_notes, made, self.recording_dir(recording.recording_id), recording.recording_id
            )
        except _PROBLEMS as error:
            self.logger.warning("recording %s: no notes: %s", recording.recording_id, error)
            await self.publish(
                data=MeetingNotesFailedData(recording=recording, engine=self.name, reason=str(error)),
                event_type=MeetingNotesFailed,
            )
            return
        await self.publish(
            data=MeetingNotesCompletedData(
                recording=recording,
                engine=made.engine,
                markdown_path=str(markdown),
                json_path=str(sidecar),
                action_items=len(made.action_items),
            ),
            event_type=MeetingNotesCompleted,
        )

    async def _run(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        return await self.run_in_thread(function, *args, **kwargs)

    @staticmethod
    @hookimpl
    def panotti_event_types() -> list[type[Event[Any]]]:
        """The typed events these plugins publish."""
        return [MeetingNotesCompleted, MeetingNotesFailed]


class LocalNotesPlugin(_NotesPlugin):
    """Meeting notes offline: extractive summary and rules, or a local OpenAI-compatible server."""

    Settings = LocalNotesSettings

    async def _run(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        # The extractive engine is CPU work: a worker process keeps the event loop free.
        return await self.run_in_process(function, *args, **kwargs)

    @staticmethod
    @hookimpl
    def panotti_cli_commands() -> list[click.Command]:
        """``panotti notes TRANSCRIPT``."""
        return [notes]


class RemoteNotesPlugin(_NotesPlugin):
    """Meeting notes written by a model on OpenAI or any compatible server."""

    Settings = RemoteNotesSettings
