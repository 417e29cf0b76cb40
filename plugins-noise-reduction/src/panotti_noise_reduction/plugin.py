"""The plugin: clean the microphone track of each recording that ends."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click
import soundfile

from panotti import Event, PluginBase, RecordingEnded, RecordingError, handles, hookimpl
from panotti.audio import probe

from ._cli import denoise
from ._process import Result, clean_file
from .events import (
    CleaningStats,
    NoiseReductionCompleted,
    NoiseReductionCompletedData,
    NoiseReductionFailed,
    NoiseReductionFailedData,
    NoiseReductionSkipped,
    NoiseReductionSkippedData,
)
from .settings import NoiseReductionSettings

_UNREADABLE = (RecordingError, soundfile.LibsndfileError, RuntimeError, OSError, ValueError)


class NoiseReductionPlugin(PluginBase[NoiseReductionSettings]):
    """Speech-preserving denoising, and removal of the far end leaking into the microphone."""

    Settings = NoiseReductionSettings

    @handles(RecordingEnded, timeout=6 * 3600, max_attempts=2)
    async def on_recording_ended(self, event: RecordingEnded) -> None:
        """Clean the microphone track in the process pool, then announce the result."""
        recording = event.data
        try:
            probe(recording.microphone_path, role="microphone")
        except RecordingError as error:
            if "contains no audio" in str(error) or "does not exist" in str(error):
                await self.publish(
                    data=NoiseReductionSkippedData(recording=recording, reason=str(error)),
                    event_type=NoiseReductionSkipped,
                )
            else:
                await self._fail(recording, str(error))
            return
        warnings: list[str] = []
        reference = recording.system_path if self.settings.remove_bleed else None
        if reference is not None:
            try:
                probe(reference, role="system")
            except RecordingError as error:
                warnings.append(f"bleed not removed: {error}")
                reference = None
        output = self.recording_dir(recording.recording_id) / "microphone.clean.wav"
        try:
            result = await self._clean(recording.microphone_path, output, reference)
        except _UNREADABLE as error:
            await self._fail(recording, f"cannot clean {recording.microphone_path}: {error}")
            return
        stats = {
            field.name: getattr(result, field.name)
            for field in dataclasses.fields(result)
            if field.name in CleaningStats.model_fields
        }
        await self.publish(
            data=NoiseReductionCompletedData(
                recording=recording,
                input_path=result.input_path,
                output_path=result.output_path,
                reference_path=result.reference_path,
                method=result.method,
                stats=CleaningStats(**stats),
                warnings=warnings,
            ),
            event_type=NoiseReductionCompleted,
        )

    async def _clean(self, microphone: Path, output: Path, reference: Path | None) -> Result:
        return await self.run_in_process_with_progress(
            clean_file, microphone, output, reference, self.settings.options()
        )

    async def _fail(self, recording: Any, reason: str) -> None:
        self.logger.warning("recording %s: %s", recording.recording_id, reason)
        await self.publish(
            data=NoiseReductionFailedData(recording=recording, reason=reason), event_type=NoiseReductionFailed
        )

    @staticmethod
    @hookimpl
    def panotti_event_types() -> list[type[Event[Any]]]:
        """The typed events this plugin publishes."""
        return [NoiseReductionCompleted, NoiseReductionSkipped, NoiseReductionFailed]

    @staticmethod
    @hookimpl
    def panotti_cli_commands() -> list[click.Command]:
        """``panotti denoise INPUT OUTPUT``."""
        return [denoise]

    @staticmethod
    @hookimpl
    def panotti_status() -> dict[str, Any]:
        """Whether the optional plot extra is installed."""
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return {"plot": "not installed (pip install 'panotti-plugin-noise-reduction[plot]')"}
        return {"plot": "available"}
