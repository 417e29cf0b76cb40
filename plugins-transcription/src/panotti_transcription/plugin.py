"""The plugin: transcribe each recording once, from the cleaned track when there is one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import soundfile

from panotti import Event, PluginBase, RecordingData, RecordingEnded, RecordingError, handles, hookimpl
from panotti.audio import probe

from ._backends import BackendError
from ._cli import transcribe
from ._run import transcribe_tracks, write_outputs
from .events import (
    TranscriptionCompleted,
    TranscriptionCompletedData,
    TranscriptionFailed,
    TranscriptionFailedData,
)
from .settings import TranscriptionSettings

NOISE_REDUCTION = "noise_reduction"
_PROBLEMS = (BackendError, RecordingError, soundfile.LibsndfileError, RuntimeError, OSError, ValueError)


class TranscriptionPlugin(PluginBase[TranscriptionSettings]):
    """Transcribes the microphone and system tracks and merges them into one transcript."""

    Settings = TranscriptionSettings

    def _noise_reduction_runs(self) -> bool:
        return any(
            subscription.subscriber.startswith(f"{NOISE_REDUCTION}:")
            and subscription.matches("recording.ended")
            for subscription in self.bus.subscriptions
        )

    @handles(RecordingEnded, timeout=6 * 3600, max_attempts=1)
    async def on_recording_ended(self, event: RecordingEnded) -> None:
        """Transcribe the raw tracks, unless noise reduction will hand over a cleaned one."""
        if self._noise_reduction_runs():
            return
        await self._transcribe(event.data, event.data.microphone_path, cleaned=False)

    @handles("noise_reduction.completed", timeout=6 * 3600, max_attempts=1)
    async def on_cleaned(self, event: Event[Any]) -> None:
        """Transcribe the cleaned microphone track with the original system track."""
        data = _as_dict(event.data)
        recording = RecordingData.model_validate(data["recording"])
        await self._transcribe(recording, Path(data["output_path"]), cleaned=True)

    @handles("noise_reduction.skipped", timeout=6 * 3600, max_attempts=1)
    @handles("noise_reduction.failed", timeout=6 * 3600, max_attempts=1)
    async def on_not_cleaned(self, event: Event[Any]) -> None:
        """Noise reduction passed: transcribe the original tracks."""
        recording = RecordingData.model_validate(_as_dict(event.data)["recording"])
        await self._transcribe(recording, recording.microphone_path, cleaned=False)

    async def _transcribe(self, recording: RecordingData, microphone: Path, *, cleaned: bool) -> None:
        labels = recording.metadata.speakers
        tracks: list[tuple[Path, str]] = []
        problems: list[str] = []
        for path, speaker, role in (
            (microphone, labels.microphone, "microphone"),
            (recording.system_path, labels.system, "system"),
        ):
            if path is None:
                continue
            try:
                probe(path, role=role)
                tracks.append((path, speaker))
            except RecordingError as error:
                problems.append(str(error))
        if not tracks:
            await self._fail(recording, "; ".join(problems) or "no audio to transcribe")
            return
        try:
            transcript = await self.run_in_process_with_progress(
                transcribe_tracks,
                tracks,
                self.settings,
                recording_id=recording.recording_id,
                title=recording.metadata.title,
                date=recording.started_at,
                attendees=recording.metadata.attendees,
            )
            paths = await self.run_in_thread(
                write_outputs, transcript, self.recording_dir(recording.recording_id)
            )
        except _PROBLEMS as error:
            await self._fail(recording, f"{type(error).__name__}: {error}")
            return
        if problems:
            self.logger.warning(
                "recording %s: transcribed without: %s", recording.recording_id, "; ".join(problems)
            )
        await self.publish(
            data=TranscriptionCompletedData(
                recording=recording,
                language=transcript.language,
                markdown_path=str(paths["markdown"]),
                json_path=str(paths["json"]),
                webvtt_path=str(paths["webvtt"]),
                segments=len(transcript.segments),
                engine=transcript.engine,
                used_cleaned_microphone=cleaned,
            ),
            event_type=TranscriptionCompleted,
        )

    async def _fail(self, recording: RecordingData, reason: str) -> None:
        self.logger.warning("recording %s: %s", recording.recording_id, reason)
        await self.publish(
            data=TranscriptionFailedData(recording=recording, reason=reason), event_type=TranscriptionFailed
        )

    @staticmethod
    @hookimpl
    def panotti_event_types() -> list[type[Event[Any]]]:
        """The typed events this plugin publishes."""
        return [TranscriptionCompleted, TranscriptionFailed]

    @staticmethod
    @hookimpl
    def panotti_cli_commands() -> list[click.Command]:
        """``panotti transcribe AUDIO``."""
        return [transcribe]

    @staticmethod
    @hookimpl
    def panotti_status() -> dict[str, Any]:
        """Which backends can run here."""
        try:
            import faster_whisper

            local = f"faster-whisper {faster_whisper.__version__}"
        except ImportError:
            local = "not installed (pip install 'panotti-plugin-transcription[local]')"
        return {"local": local, "remote": "openai client"}


def _as_dict(data: Any) -> dict[str, Any]:
    if hasattr(data, "model_dump"):
        dumped: dict[str, Any] = data.model_dump(mode="json")
        return dumped
    return dict(data)
