"""The plugin: subscribe to ``recording.ended``, write a report, emit ``example.completed``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import soundfile
from pydantic import Field

from panotti import Event, PluginBase, PluginSettings, RecordingEnded, RecordingError, handles, hookimpl
from panotti.audio import probe

from .events import ExampleCompleted, ExampleCompletedData, ExampleFailed, ExampleFailedData
from .report import TrackReport, analyse_track


class ExampleSettings(PluginSettings):
    """Settings of the example plugin (``plugins/example.yaml``, under ``config:``)."""

    output_dir: Path | None = None
    """Where reports go; default ``<data dir>/outputs/example``."""
    silence_threshold_dbfs: float = Field(default=-50.0, ge=-120.0, le=0.0)
    """Blocks quieter than this (dBFS) count as silence."""
    block_seconds: float = Field(default=0.05, gt=0.0, le=10.0)
    """Length of an analysis block, in seconds."""


class ExamplePlugin(PluginBase[ExampleSettings]):
    """Reports duration, sample rate, channels and levels of each track of a recording."""

    Settings = ExampleSettings

    @handles(RecordingEnded)
    async def on_recording_ended(self, event: RecordingEnded) -> None:
        """Analyse each track off the event loop, write ``report.json``, announce it."""
        recording = event.data
        tracks = [("microphone", recording.microphone_path)]
        if recording.system_path is not None:
            tracks.append(("system", recording.system_path))
        reports: list[TrackReport] = []
        for index, (role, path) in enumerate(tracks):
            self.report_progress(index / len(tracks), f"analysing {role}")
            try:
                probe(path, role=role)
                report = await self.run_in_thread(
                    analyse_track,
                    path,
                    role,
                    block_seconds=self.settings.block_seconds,
                    silence_threshold_dbfs=self.settings.silence_threshold_dbfs,
                )
            except (RecordingError, soundfile.LibsndfileError, RuntimeError, OSError) as error:
                self.logger.warning("no report for %s: %s", recording.recording_id, error)
                await self.publish(
                    data=ExampleFailedData(recording_id=recording.recording_id, reason=str(error)),
                    event_type=ExampleFailed,
                )
                return
            reports.append(report)
        folder = self.recording_dir(recording.recording_id)
        report_path = folder / "report.json"
        payload = {"recording_id": recording.recording_id, "tracks": [r.model_dump() for r in reports]}
        await self.run_in_thread(_write_json, report_path, payload)
        self.report_progress(1.0, "done")
        await self.publish(
            data=ExampleCompletedData(
                recording_id=recording.recording_id, report_path=str(report_path), tracks=reports
            ),
            event_type=ExampleCompleted,
        )

    @staticmethod
    @hookimpl
    def panotti_event_types() -> list[type[Event[Any]]]:
        """The typed events this plugin publishes."""
        return [ExampleCompleted, ExampleFailed]

    @staticmethod
    @hookimpl
    def panotti_cli_commands() -> list[click.Command]:
        """``panotti levels AUDIO...``: print the report without running the pipeline."""
        return [levels]

    @staticmethod
    @hookimpl
    def panotti_status() -> dict[str, Any]:
        """Audio formats this plugin can read."""
        return {"formats": sorted(soundfile.available_formats())}


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    temporary.replace(path)


@click.command()
@click.argument("audio", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--silence-threshold", type=click.FloatRange(-120, 0), default=-50.0, show_default=True)
def levels(audio: tuple[Path, ...], silence_threshold: float) -> None:
    """Print duration, format and levels of audio files (example plugin)."""
    failed = False
    for path in audio:
        try:
            probe(path)
            report = analyse_track(path, "file", block_seconds=0.05, silence_threshold_dbfs=silence_threshold)
        except (RecordingError, soundfile.LibsndfileError, RuntimeError) as error:
            click.echo(f"{path}: {error}", err=True)
            failed = True
            continue
        click.echo(
            f"{path}: {report.duration_seconds:.2f} s, {report.sample_rate} Hz, {report.channels} ch,"
            f" peak {report.peak_dbfs:.1f} dBFS, rms {report.rms_dbfs:.1f} dBFS,"
            f" silence {report.silence_ratio:.0%}"
        )
    if failed:
        raise SystemExit(1)
