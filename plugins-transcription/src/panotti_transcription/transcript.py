"""The transcript: segments with speakers and word timings, and its Markdown, JSON and WebVTT forms."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Word(BaseModel):
    """One recognised word."""

    start: float
    end: float
    text: str
    confidence: float | None = None


class Segment(BaseModel):
    """A stretch of speech by one speaker, times in seconds from the start of the recording."""

    start: float
    end: float
    speaker: str
    text: str
    words: list[Word] = Field(default_factory=list)


class Transcript(BaseModel):
    """Both tracks' segments merged in time order (the JSON output is this model)."""

    recording_id: str
    title: str | None = None
    date: datetime | None = None
    attendees: list[str] = Field(default_factory=list)
    language: str | None = None
    duration_seconds: float = 0.0
    engine: str = ""
    segments: list[Segment] = Field(default_factory=list)


def merge(*tracks: list[Segment]) -> list[Segment]:
    """Segments of all tracks ordered by start time (ties: the order the tracks are given)."""
    indexed = [(segment.start, order, segment) for order, track in enumerate(tracks) for segment in track]
    return [segment for _, _, segment in sorted(indexed, key=lambda item: (item[0], item[1]))]


def clock(seconds: float) -> str:
    """``HH:MM:SS``."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def to_markdown(transcript: Transcript) -> str:
    """A metadata header, then ``[HH:MM:SS] Speaker: text`` lines."""
    lines = [f"# {transcript.title or 'Transcript'}", ""]
    if transcript.date:
        lines.append(f"- Date: {transcript.date:%Y-%m-%d %H:%M} UTC")
    lines.append(f"- Recording: {transcript.recording_id}")
    lines.append(f"- Duration: {clock(transcript.duration_seconds)}")
    if transcript.attendees:
        lines.append(f"- Attendees: {', '.join(transcript.attendees)}")
    if transcript.language:
        lines.append(f"- Language: {transcript.language}")
    lines.append(f"- Engine: {transcript.engine}")
    lines.append("")
    for segment in transcript.segments:
        lines.append(f"[{clock(segment.start)}] {segment.speaker}: {segment.text}")
    return "\n".join(lines) + "\n"


def _vtt_time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def to_webvtt(transcript: Transcript) -> str:
    """WebVTT cues with voice tags for the speakers."""
    lines = ["WEBVTT", ""]
    for index, segment in enumerate(transcript.segments, start=1):
        lines.append(str(index))
        lines.append(f"{_vtt_time(segment.start)} --> {_vtt_time(max(segment.end, segment.start + 0.001))}")
        speaker = segment.speaker.replace(">", "")
        lines.append(f"<v {speaker}>{segment.text}")
        lines.append("")
    return "\n".join(lines)
