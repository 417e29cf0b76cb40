"""``panotti process``: run the installed plugins on one recording."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import yaml
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from .._errors import RecordingError, SettleTimeout
from ..audio import probe
from ..events import DELIVERY_FAILED, DeliveryStatus, Event, EventFilter, ProgressUpdate
from ..plugins import PluginManager
from ..recording import (
    RecordingData,
    RecordingEnded,
    RecordingMetadata,
    RecordingStarted,
    SpeakerLabels,
    validate_recording_id,
)
from ._runtime import EXIT_FAILED, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE, CliState, err, out, running_plugins


def default_recording_id(microphone: Path, now: datetime) -> str:
    """``<file stem, made safe>-<UTC time>``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", microphone.stem).strip("-.") or "recording"
    return validate_recording_id(f"{stem[:80]}-{now:%Y%m%dT%H%M%S}")


def _read_metadata(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise RecordingError(f"metadata file {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise RecordingError(f"metadata file {path}: malformed YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise RecordingError(f"metadata file {path}: expected a mapping")
    return loaded


def build_recording(
    microphone: Path,
    system: Path | None,
    recording_id: str | None,
    title: str | None,
    attendees: tuple[str, ...],
    metadata_file: Path | None,
) -> RecordingData:
    """Check the inputs and assemble the payload; ``RecordingError`` says what is wrong."""
    probe(microphone, role="microphone")
    if system is not None:
        probe(system, role="system")
    now = datetime.now(UTC)
    metadata = _read_metadata(metadata_file)
    if title:
        metadata["title"] = title
    if attendees:
        metadata["attendees"] = list(attendees)
    try:
        parsed = RecordingMetadata.model_validate({"speakers": SpeakerLabels().model_dump(), **metadata})
        identifier = recording_id or default_recording_id(microphone, now)
        return RecordingData(
            recording_id=identifier,
            microphone_path=microphone.resolve(),
            system_path=system.resolve() if system else None,
            started_at=now,
            ended_at=now,
            metadata=parsed,
        )
    except (ValidationError, ValueError) as error:
        raise RecordingError(str(error)) from None


class _ProgressDisplay:
    """One progress bar per plugin, fed by progress updates and event taps."""

    def __init__(self, correlation_id: str, enabled: bool) -> None:
        self.correlation_id = correlation_id
        self.progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=err,
            disable=not enabled,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def _task(self, plugin: str) -> TaskID:
        if plugin not in self.tasks:
            self.tasks[plugin] = self.progress.add_task(plugin, total=1.0, note="")
        return self.tasks[plugin]

    def on_progress(self, update: ProgressUpdate) -> None:
        if update.correlation_id == self.correlation_id:
            self.progress.update(self._task(update.plugin), completed=update.fraction, note=update.message)

    def on_event(self, event: Event[Any]) -> None:
        plugin = event.context.source_plugin
        if event.correlation_id != self.correlation_id or not plugin:
            return
        outcome = event.name.rpartition(".")[2]
        if outcome in {"completed", "skipped", "failed"}:
            self.progress.update(self._task(plugin), completed=1.0, note=outcome)


def _describe(event: Event[Any]) -> dict[str, Any]:
    data = event.data.model_dump(mode="json") if hasattr(event.data, "model_dump") else event.data
    return {
        "id": event.id,
        "name": event.name,
        "plugin": event.context.source_plugin,
        "data": data,
    }


async def _run(
    manager: PluginManager, recording: RecordingData, timeout: float, show_progress: bool
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]], bool]:
    bus = manager.bus
    started = RecordingStarted.create(data=recording)
    display = _ProgressDisplay(started.correlation_id, show_progress)
    remove_listener = bus.add_progress_listener(display.on_progress)
    remove_tap = bus.add_tap(display.on_event)
    timed_out = False
    try:
        with display.progress:
            await bus.publish(started)
            ended = started.derive(data=recording, event_type=RecordingEnded)
            await bus.publish(ended)
            try:
                await bus.settled(started.correlation_id, timeout)
            except SettleTimeout as error:
                err.print(f"[red]{error}[/]")
                timed_out = True
    finally:
        remove_listener()
        remove_tap()
    stored = await bus.store.query(EventFilter(correlation_id=started.correlation_id))
    produced = [_describe(event) for event in stored if event.context.source_plugin]
    failures = [item for item in produced if item["name"].endswith(".failed")]
    for event in stored:
        if event.name == DELIVERY_FAILED:
            failures.append(_describe(event))
        for delivery in await bus.store.deliveries(event.id):
            if delivery.status is DeliveryStatus.PENDING and timed_out:
                failures.append(
                    {
                        "name": "delivery.pending",
                        "plugin": delivery.subscriber,
                        "data": {"event_id": event.id},
                    }
                )
    return started.correlation_id, produced, failures, timed_out


@click.command()
@click.argument("microphone", type=click.Path(path_type=Path))
@click.option("--system", type=click.Path(path_type=Path), help="System-audio track (the far end).")
@click.option(
    "--id", "recording_id", help="Recording id (letters, digits, . _ -); default: file name and time."
)
@click.option("--title", help="Meeting title.")
@click.option("--attendee", "attendees", multiple=True, help="An attendee; repeat for each.")
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(path_type=Path),
    help="YAML with title, attendees, speakers: {microphone: NAME, system: NAME}.",
)
@click.option(
    "--timeout", type=float, default=3600.0, show_default=True, help="Seconds to wait for the plugins."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary on stdout.")
@click.pass_obj
def process(
    state: CliState,
    microphone: Path,
    system: Path | None,
    recording_id: str | None,
    title: str | None,
    attendees: tuple[str, ...],
    metadata_file: Path | None,
    timeout: float,
    as_json: bool,
) -> None:
    """Run the installed plugins on a recording and print what each produced.

    Exit codes: 0 done, 1 a plugin failed, 2 bad input, 4 timed out (the
    work stays pending and resumes on the next run).
    """
    try:
        recording = build_recording(microphone, system, recording_id, title, attendees, metadata_file)
    except RecordingError as error:
        err.print(f"[red]error:[/] {error}")
        raise SystemExit(EXIT_USAGE) from None

    async def run() -> tuple[list[Any], str, list[dict[str, Any]], list[dict[str, Any]], bool]:
        async with running_plugins(state.paths, timeout=timeout) as manager:
            problems = manager.problems()
            active = [plugin.name for plugin in manager.active]
            result = await _run(manager, recording, timeout, show_progress=not as_json)
            return [problems, active], *result

    (problems, active), correlation_id, produced, failures, timed_out = asyncio.run(run())
    if as_json:
        summary = {
            "recording_id": recording.recording_id,
            "correlation_id": correlation_id,
            "plugins": active,
            "plugin_problems": [{"name": r.name, "state": r.label, "reason": r.reason} for r in problems],
            "events": produced,
            "failures": failures,
            "timed_out": timed_out,
        }
        click.echo(json.dumps(summary, indent=2))
    else:
        for record in problems:
            err.print(f"[yellow]plugin {record.name} is {record.label}:[/] {record.reason}")
        if not active:
            err.print("[yellow]no active plugins: install one, e.g. `pip install panotti-plugin-example`[/]")
        out.print(f"recording [bold]{recording.recording_id}[/] (correlation {correlation_id})")
        for item in produced:
            out.print(f"  [bold]{item['plugin']}[/] {item['name']}")
            data = item["data"] if isinstance(item["data"], dict) else {}
            for key, value in data.items():
                if key.endswith(("_path", "_paths", "_dir", "reason", "error")) and value:
                    out.print(f"      {key}: {value}")
        for failure in failures:
            raw = failure.get("data")
            facts: dict[str, Any] = raw if isinstance(raw, dict) else {}
            detail = facts.get("reason") or facts.get("error") or json.dumps(facts)
            err.print(f"[red]failed:[/] {failure['name']} ({failure.get('plugin') or 'host'}): {detail}")
    if timed_out:
        raise SystemExit(EXIT_TIMEOUT)
    raise SystemExit(EXIT_FAILED if failures else EXIT_OK)
