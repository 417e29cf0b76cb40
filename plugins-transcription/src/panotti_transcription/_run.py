"""Transcribing a recording's tracks (in a worker process) and writing the three outputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from ._audio import duration, pieces
from ._backends import Backend, LocalBackend, RemoteBackend
from .settings import TranscriptionSettings
from .transcript import Segment, Transcript, merge, to_markdown, to_webvtt

Progress = Callable[[float, str], None]


def make_backend(settings: TranscriptionSettings) -> Backend:
    """The configured backend."""
    if settings.backend == "remote":
        return RemoteBackend(
            model=settings.remote_model,
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            base_url=settings.base_url,
            timeout=settings.timeout_seconds,
            max_retries=settings.max_retries,
        )
    return LocalBackend(
        settings.model, compute_type=settings.compute_type, cpu_threads=settings.cpu_threads, vad=settings.vad
    )


def transcribe_tracks(
    tracks: list[tuple[Path, str]],
    settings: TranscriptionSettings,
    *,
    recording_id: str,
    title: str | None = None,
    date: datetime | None = None,
    attendees: list[str] | None = None,
    progress: Progress | None = None,
) -> Transcript:
    """Transcribe each ``(path, speaker)`` track in pieces and merge them by time."""
    report = progress or (lambda fraction, message: None)
    backend = make_backend(settings)
    lengths = [duration(path) for path, _ in tracks]
    total = sum(lengths) or 1.0
    done = 0.0
    merged_tracks: list[list[Segment]] = []
    language = settings.language
    for path, speaker in tracks:
        found: list[Segment] = []
        for offset, audio in pieces(path, settings.chunk_seconds):
            segments, detected = backend.transcribe(audio, speaker, settings.language)
            language = language or detected
            for segment in segments:
                found.append(
                    segment.model_copy(
                        update={
                            "start": round(segment.start + offset, 3),
                            "end": round(segment.end + offset, 3),
                            "words": [
                                word.model_copy(
                                    update={
                                        "start": round(word.start + offset, 3),
                                        "end": round(word.end + offset, 3),
                                    }
                                )
                                for word in segment.words
                            ],
                        }
                    )
                )
            done += len(audio) / 16000
            report(min(done / total, 1.0), f"transcribing {speaker}")
        merged_tracks.append(found)
    return Transcript(
        recording_id=recording_id,
        title=title,
        date=date,
        attendees=attendees or [],
        language=language,
        duration_seconds=max(lengths, default=0.0),
        engine=backend.name,
        segments=merge(*merged_tracks),
    )


def write_outputs(transcript: Transcript, folder: Path) -> dict[str, Path]:
    """Write ``transcript.md``, ``transcript.json`` and ``transcript.vtt``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "markdown": folder / "transcript.md",
        "json": folder / "transcript.json",
        "webvtt": folder / "transcript.vtt",
    }
    texts = {
        "markdown": to_markdown(transcript),
        "json": json.dumps(transcript.model_dump(mode="json"), indent=2),
        "webvtt": to_webvtt(transcript),
    }
    for kind, path in paths.items():
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(texts[kind], encoding="utf-8")
        temporary.replace(path)
    return paths
