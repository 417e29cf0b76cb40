"""Reading transcripts: the transcription plugin's JSON and Markdown, WebVTT, SRT and plain text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Utterance:
    """One speaker turn."""

    text: str
    speaker: str | None = None
    start: float | None = None


@dataclass
class TranscriptText:
    """What a transcript file says, whatever its format."""

    utterances: list[Utterance]
    title: str | None = None
    date: datetime | None = None
    attendees: list[str] = field(default_factory=list)
    duration_seconds: float | None = None

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for utterance in self.utterances:
            if utterance.speaker:
                seen.setdefault(utterance.speaker, None)
        return list(seen)


class TranscriptFormatError(ValueError):
    """The file is not a transcript in any supported format; the message names it."""


_MD_LINE = re.compile(r"^\[(\d{1,2}):(\d{2}):(\d{2})\]\s*([^:]{1,60}):\s*(.*)$")
_SPEAKER_LINE = re.compile(r"^([A-Z][\w .'-]{0,40}):\s+(.+)$")
_CUE_TIME = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})[.,](\d{3})\s*-->\s*")
_CUE_TIME_SHORT = re.compile(r"^(\d{2}):(\d{2})[.,](\d{3})\s*-->\s*")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>)?$")


def _seconds(hours: str, minutes: str, seconds: str, millis: str = "0") -> float:
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def read_transcript(path: Path) -> TranscriptText:
    """Parse a transcript file; ``TranscriptFormatError`` says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TranscriptFormatError(f"transcript {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TranscriptFormatError(f"transcript {path} is not readable text: {error}") from None
    suffix = path.suffix.lower()
    if suffix == ".json":
        parsed = _from_json(text, path)
    elif suffix == ".vtt" or text.lstrip().startswith("WEBVTT") or suffix == ".srt":
        parsed = _from_cues(text)
    elif suffix in {".md", ".markdown"}:
        parsed = _from_markdown(text)
    else:
        parsed = _from_plain(text)
    if not parsed.utterances:
        raise TranscriptFormatError(f"transcript {path} contains no speech")
    return parsed


def _from_json(text: str, path: Path) -> TranscriptText:
    try:
        data = json.loads(text)
        segments = data["segments"]
        utterances = [
            Utterance(str(item["text"]).strip(), item.get("speaker"), float(item["start"]))
            for item in segments
            if str(item.get("text", "")).strip()
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise TranscriptFormatError(f"transcript {path}: not a transcription JSON ({error})") from None
    date = datetime.fromisoformat(data["date"]) if data.get("date") else None
    return TranscriptText(
        utterances, data.get("title"), date, list(data.get("attendees") or []), data.get("duration_seconds")
    )


def _from_markdown(text: str) -> TranscriptText:
    utterances: list[Utterance] = []
    title = None
    attendees: list[str] = []
    date = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# ") and title is None:
            title = stripped[2:].strip()
        elif stripped.startswith("- Attendees:"):
            attendees = [name.strip() for name in stripped.split(":", 1)[1].split(",") if name.strip()]
        elif stripped.startswith("- Date:"):
            try:
                date = datetime.fromisoformat(stripped.split(":", 1)[1].strip().removesuffix(" UTC"))
            except ValueError:
                date = None
        elif match := _MD_LINE.match(stripped):
            hours, minutes, seconds, speaker, said = match.groups()
            if said.strip():
                utterances.append(Utterance(said.strip(), speaker.strip(), _seconds(hours, minutes, seconds)))
    if not utterances:
        return _from_plain(text)
    return TranscriptText(utterances, title, date, attendees)


def _from_cues(text: str) -> TranscriptText:
    utterances: list[Utterance] = []
    start: float | None = None
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        body: list[str] = []
        for line in lines:
            if match := _CUE_TIME.search(line):
                start = _seconds(*match.groups())
                body = []
            elif match := _CUE_TIME_SHORT.match(line):
                start = _seconds("0", *match.groups())
                body = []
            elif line.isdigit() or line.startswith(("WEBVTT", "NOTE", "STYLE")):
                continue
            else:
                body.append(line)
        if not body:
            continue
        joined = " ".join(body)
        speaker = None
        if voice := _VOICE.match(joined):
            speaker, joined = voice.group(1).strip(), voice.group(2)
        elif named := _SPEAKER_LINE.match(joined):
            speaker, joined = named.group(1).strip(), named.group(2)
        joined = re.sub(r"<[^>]+>", "", joined).strip()
        if joined:
            utterances.append(Utterance(joined, speaker, start))
    return TranscriptText(utterances)


def _from_plain(text: str) -> TranscriptText:
    utterances = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if match := _MD_LINE.match(stripped):
            hours, minutes, seconds, speaker, said = match.groups()
            utterances.append(Utterance(said.strip(), speaker.strip(), _seconds(hours, minutes, seconds)))
        elif match := _SPEAKER_LINE.match(stripped):
            utterances.append(Utterance(match.group(2).strip(), match.group(1).strip()))
        else:
            utterances.append(Utterance(stripped))
    return TranscriptText([u for u in utterances if u.text])
