"""``panotti notes``: notes from a transcript file, any supported format."""

from __future__ import annotations

import os
from pathlib import Path

import click
from pydantic import ValidationError

from ._engines import make_notes, write_notes
from .reader import TranscriptFormatError
from .remote import NotesError
from .settings import LocalNotesSettings, RemoteNotesSettings


@click.command()
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("."), show_default=True)
@click.option("--engine", type=click.Choice(["local", "remote"]), default="local", show_default=True)
@click.option("--title", help="Meeting title (default: from the transcript).")
@click.option("--attendee", "attendees", multiple=True, help="An attendee; repeat for each.")
@click.option("--base-url", help="Remote: the API root (default: OpenAI). The key comes from OPENAI_API_KEY.")
@click.option("--model", help="Remote: the model name.")
def notes(
    transcript: Path,
    out_dir: Path,
    engine: str,
    title: str | None,
    attendees: tuple[str, ...],
    base_url: str | None,
    model: str | None,
) -> None:
    """Write meeting notes (Markdown + JSON) from a transcript: .json, .md, .vtt, .srt or .txt."""
    try:
        settings: LocalNotesSettings | RemoteNotesSettings
        if engine == "remote":
            values = {"base_url": base_url, "api_key": os.environ.get("OPENAI_API_KEY")}
            settings = RemoteNotesSettings.model_validate({**values, **({"model": model} if model else {})})
        else:
            settings = LocalNotesSettings()
        made = make_notes(transcript, settings, title=title, attendees=list(attendees) or None)
    except (TranscriptFormatError, ValidationError) as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from None
    except NotesError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    markdown, sidecar = write_notes(made, out_dir, transcript.stem)
    click.echo(f"markdown: {markdown}\njson: {sidecar}")
