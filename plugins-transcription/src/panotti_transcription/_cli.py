"""``panotti transcribe``: transcribe files from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import soundfile
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from panotti import RecordingError
from panotti.audio import probe

from ._backends import BackendError
from ._run import transcribe_tracks, write_outputs
from .settings import TranscriptionSettings


@click.command()
@click.argument("audio", type=click.Path(path_type=Path))
@click.option("--system", type=click.Path(path_type=Path), help="System-audio track (the far end).")
@click.option("-o", "--out-dir", type=click.Path(path_type=Path), default=Path("."), show_default=True)
@click.option("--backend", type=click.Choice(["local", "remote"]), default="local", show_default=True)
@click.option("--model", help="Local model name or folder (default: the plugin's default).")
@click.option("--language", help="Language code; default: detect.")
@click.option("--me", default="Me", show_default=True, help="Speaker label of the microphone track.")
@click.option("--others", default="Others", show_default=True, help="Speaker label of the system track.")
def transcribe(
    audio: Path,
    system: Path | None,
    out_dir: Path,
    backend: str,
    model: str | None,
    language: str | None,
    me: str,
    others: str,
) -> None:
    """Transcribe a recording (and its system track) into Markdown, JSON and WebVTT."""
    err = Console(stderr=True)
    try:
        probe(audio, role="audio")
        if system is not None:
            probe(system, role="system")
        settings = TranscriptionSettings.model_validate(
            {"backend": backend, "language": language, **({"model": model} if model else {})}
        )
    except (RecordingError, ValidationError) as error:
        err.print(f"[red]error:[/] {error}")
        raise SystemExit(2) from None
    tracks = [(audio, me)] + ([(system, others)] if system else [])
    with Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("transcribing", total=1.0)
        try:
            transcript = transcribe_tracks(
                tracks,
                settings,
                recording_id=audio.stem,
                progress=lambda fraction, message: bar.update(task, completed=fraction, description=message),
            )
        except (BackendError, soundfile.LibsndfileError, RuntimeError) as error:
            err.print(f"[red]error:[/] {error}")
            raise SystemExit(1) from None
    for kind, path in write_outputs(transcript, out_dir).items():
        click.echo(f"{kind}: {path}")
