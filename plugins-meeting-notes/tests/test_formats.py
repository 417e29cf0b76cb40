import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from panotti.cli import cli
from panotti_meeting_notes import TranscriptFormatError, read_transcript

SOURCE = read_transcript(FIXTURES / "incident_review.md")


def clock(seconds: float, separator: str) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}{separator}000"


def write_formats(folder: Path) -> dict[str, Path]:
    turns = SOURCE.utterances
    paths = {name: folder / f"meeting.{name}" for name in ("json", "vtt", "srt", "txt", "md")}
    paths["json"].write_text(
        json.dumps(
            {
                "recording_id": "incident",
                "title": "Incident review: search outage",
                "attendees": SOURCE.attendees,
                "segments": [
                    {
                        "start": t.start,
                        "end": (t.start or 0) + 5,
                        "speaker": t.speaker,
                        "text": t.text,
                        "words": [],
                    }
                    for t in turns
                ],
            }
        )
    )
    cues = [
        f"{i}\n{clock(t.start or 0, '.')} --> {clock((t.start or 0) + 5, '.')}\n<v {t.speaker}>{t.text}\n"
        for i, t in enumerate(turns, 1)
    ]
    paths["vtt"].write_text("WEBVTT\n\n" + "\n".join(cues))
    srt = [
        f"{i}\n{clock(t.start or 0, ',')} --> {clock((t.start or 0) + 5, ',')}\n{t.speaker}: {t.text}\n"
        for i, t in enumerate(turns, 1)
    ]
    paths["srt"].write_text("\n".join(srt))
    paths["txt"].write_text("\n".join(f"{t.speaker}: {t.text}" for t in turns))
    paths["md"].write_text((FIXTURES / "incident_review.md").read_text())
    return paths


@pytest.mark.parametrize("kind", ["json", "vtt", "srt", "txt", "md"])
def test_every_format_reads_the_same_turns(tmp_path: Path, kind: str) -> None:
    parsed = read_transcript(write_formats(tmp_path)[kind])
    assert [(u.speaker, u.text) for u in parsed.utterances] == [
        (u.speaker, u.text) for u in SOURCE.utterances
    ]
    if kind != "txt":
        assert [u.start for u in parsed.utterances] == [u.start for u in SOURCE.utterances]


@pytest.mark.parametrize("kind", ["json", "vtt", "srt", "txt", "md"])
def test_notes_command_on_every_format(tmp_path: Path, kind: str) -> None:
    path = write_formats(tmp_path)[kind]
    result = CliRunner().invoke(
        cli,
        [
            "--config-dir",
            str(tmp_path),
            "notes",
            str(path),
            "-o",
            str(tmp_path / "out"),
            "--title",
            "Outage review",
            "--attendee",
            "Ana",
            "--attendee",
            "Ben",
            "--attendee",
            "Chen",
            "--attendee",
            "Dana",
        ],
    )
    assert result.exit_code == 0, result.output
    notes = json.loads((tmp_path / "out" / "meeting_meeting_notes.json").read_text())
    assert notes["title"] == "Outage review" and notes["attendees"] == ["Ana", "Ben", "Chen", "Dana"]
    owners = {item["owner"] for item in notes["action_items"]}
    assert {"Chen", "Ben", "Dana"} <= owners
    assert (tmp_path / "out" / "meeting_meeting_notes.md").read_text().startswith("# Outage review")


def test_bad_transcripts_are_named(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(TranscriptFormatError, match=r"empty\.txt"):
        read_transcript(empty)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(TranscriptFormatError, match=r"broken\.json"):
        read_transcript(broken)
    result = CliRunner().invoke(cli, ["--config-dir", str(tmp_path), "notes", str(tmp_path / "missing.vtt")])
    assert result.exit_code == 2 and "missing.vtt" in result.output
