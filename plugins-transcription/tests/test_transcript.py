import itertools
from pathlib import Path

import numpy as np
import pytest
import soundfile

from panotti_transcription import Segment, Transcript, merge, to_markdown, to_webvtt
from panotti_transcription._audio import pieces


def segment(start: float, speaker: str, text: str) -> Segment:
    return Segment(start=start, end=start + 1, speaker=speaker, text=text)


def test_merge_orders_both_tracks_by_time() -> None:
    me = [segment(0.5, "Me", "a"), segment(4.0, "Me", "c")]
    others = [segment(2.0, "Others", "b"), segment(4.0, "Others", "d")]
    assert [s.text for s in merge(me, others)] == ["a", "b", "c", "d"]


def test_markdown_and_webvtt_formats() -> None:
    transcript = Transcript(
        recording_id="r1",
        title="Sync",
        attendees=["Ann", "Bo"],
        duration_seconds=3725,
        engine="test",
        segments=[segment(3661.2, "Ann", "Hello there.")],
    )
    markdown = to_markdown(transcript)
    assert markdown.startswith("# Sync\n") and "- Attendees: Ann, Bo" in markdown
    assert "[01:01:01] Ann: Hello there." in markdown
    vtt = to_webvtt(transcript)
    assert vtt.startswith("WEBVTT\n\n1\n01:01:01.200 --> 01:01:02.200\n<v Ann>Hello there.")


@pytest.mark.parametrize("rate", [16000, 44100])
def test_pieces_cover_the_track_and_cut_in_quiet_places(tmp_path: Path, rate: int) -> None:
    seconds = 95
    time = np.arange(seconds * rate) / rate
    loud = (np.sin(2 * np.pi * 220 * time) * 0.5).astype(np.float32)
    loud[(time % 30 > 28.6) & (time % 30 < 29.2)] = 0  # a pause a second before each planned cut
    path = tmp_path / "long.wav"
    soundfile.write(path, loud, rate)
    found = list(pieces(path, chunk_seconds=30))
    total = sum(len(audio) for _, audio in found) / 16000
    assert total == pytest.approx(seconds, abs=0.01)
    offsets = [offset for offset, _ in found]
    assert offsets[0] == 0 and all(b > a for a, b in itertools.pairwise(offsets))
    for offset in offsets[1:]:
        assert 28.6 <= offset % 30 <= 29.2, f"cut at {offset:.2f} s is not in the pause"
