"""Make the two-track sample meeting shipped in ``core/src/panotti/samples/standup``.

Speech comes from Debian's ``espeak-ng`` (two voices). The microphone track
holds the local speaker, the far end leaking from the speakers (delayed,
through a short room response), fan-like noise and mains hum; the system
track holds the far end alone. Deterministic: the same files every run.

    python scripts/make_sample.py [OUT_DIR]
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile
from scipy import signal

RATE = 16_000
DURATION = 24.0
OUT = Path(__file__).resolve().parents[1] / "core" / "src" / "panotti" / "samples" / "standup"

# (start second, speaker, text); "me" is the microphone, "far" the system track.
SCRIPT = [
    (0.3, "far", "Good morning. Let's start the stand up. Alex, how is the release going?"),
    (5.0, "me", "Good morning. The beta build is ready. I will update the release notes by Thursday."),
    (11.0, "far", "Great. We decided to ship the beta on Friday. Who will tell the support team?"),
    (15.2, "me", "I can do that."),
    (17.0, "me", "One open question: do we need a security review before the launch?"),
    (21.0, "far", "Let's ask Priya next week."),
]
VOICES = {"me": ("en-us", 165), "far": ("en-gb+m3", 150)}


def speak(text: str, who: str) -> np.ndarray:
    """Synthesize one line at RATE with espeak-ng."""
    voice, speed = VOICES[who]
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
        check=True,
        capture_output=True,
    ).stdout
    audio, rate = soundfile.read(io.BytesIO(wav), dtype="float64")
    return signal.resample_poly(audio, RATE, rate) if rate != RATE else audio


def room_response(rng: np.random.Generator) -> np.ndarray:
    """A short decaying impulse response: speakers to microphone on a desk."""
    length = int(0.08 * RATE)
    decay = np.exp(-np.arange(length) / (0.015 * RATE))
    response = rng.standard_normal(length) * decay * 0.3
    response[0] = 1.0
    return response / np.sqrt(np.sum(response**2))


def pink_noise(rng: np.random.Generator, count: int) -> np.ndarray:
    """1/f noise by filtering white noise in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(count))
    frequencies = np.fft.rfftfreq(count, 1 / RATE)
    spectrum /= np.sqrt(np.maximum(frequencies, 20.0))
    noise = np.fft.irfft(spectrum, count)
    return noise / np.std(noise)


def main(out: Path) -> None:
    rng = np.random.default_rng(20261125)
    count = int(DURATION * RATE)
    tracks = {"me": np.zeros(count), "far": np.zeros(count)}
    for start, who, text in SCRIPT:
        speech = speak(text, who) * (0.5 if who == "me" else 0.4)
        begin = int(start * RATE)
        end = min(count, begin + len(speech))
        tracks[who][begin:end] += speech[: end - begin]
    delay = int(0.035 * RATE)
    bleed = np.convolve(tracks["far"], room_response(rng))[:count] * 0.3  # about -10 dB: a laptop
    bleed = np.concatenate([np.zeros(delay), bleed[: count - delay]])
    time = np.arange(count) / RATE
    hum = 0.004 * (np.sin(2 * np.pi * 50 * time) + 0.5 * np.sin(2 * np.pi * 150 * time))
    microphone = tracks["me"] + bleed + 0.01 * pink_noise(rng, count) + hum
    out.mkdir(parents=True, exist_ok=True)
    soundfile.write(out / "microphone.wav", np.clip(microphone, -1, 1), RATE, subtype="PCM_16")
    soundfile.write(out / "system.wav", np.clip(tracks["far"], -1, 1), RATE, subtype="PCM_16")
    (out / "meeting.yaml").write_text(
        "title: Release stand-up\nattendees: [Alex, Sam]\nspeakers:\n  microphone: Alex\n  system: Sam\n",
        encoding="utf-8",
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
