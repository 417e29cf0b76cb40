"""Running an engine on a transcript file and writing the two outputs (worker-side, picklable)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .local import summarise
from .notes import MeetingNotes, to_markdown
from .reader import read_transcript
from .remote import RemoteEngine
from .settings import LocalNotesSettings, RemoteNotesSettings


def make_notes(
    transcript_path: Path,
    settings: LocalNotesSettings | RemoteNotesSettings,
    *,
    title: str | None = None,
    attendees: list[str] | None = None,
    date: datetime | None = None,
) -> MeetingNotes:
    """Notes for a transcript file with the engine the settings choose."""
    transcript = read_transcript(transcript_path)
    base_url = settings.server_url if isinstance(settings, LocalNotesSettings) else settings.base_url
    if isinstance(settings, LocalNotesSettings) and not settings.server_url:
        return summarise(transcript, title=title, attendees=attendees, date=date)
    key = (
        settings.api_key.get_secret_value()
        if isinstance(settings, RemoteNotesSettings) and settings.api_key
        else None
    )
    engine = RemoteEngine(
        model=settings.model,
        base_url=base_url,
        api_key=key,
        timeout=settings.timeout_seconds,
        max_retries=settings.max_retries,
        context_tokens=settings.context_tokens,
        max_output_tokens=settings.max_output_tokens,
        max_concurrent_requests=settings.max_concurrent_requests,
        temperature=settings.temperature,
    )
    return engine.summarise(transcript, title=title, attendees=attendees, date=date)


def write_notes(notes: MeetingNotes, folder: Path, stem: str) -> tuple[Path, Path]:
    """``<stem>_meeting_notes.md`` and ``.json``, written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    markdown = folder / f"{stem}_meeting_notes.md"
    sidecar = folder / f"{stem}_meeting_notes.json"
    for path, text in (
        (markdown, to_markdown(notes)),
        (sidecar, json.dumps(notes.model_dump(mode="json"), indent=2)),
    ):
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    return markdown, sidecar
