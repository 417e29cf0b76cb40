"""Deterministic test material for the noise-reduction benchmark, made here, no download.

Speech: Debian's espeak-ng, several voices. Noise: white, pink, brown, 50/60 Hz hum with
harmonics, bursty non-stationary noise, keyboard-like clicks, and bleed (a second voice through
a short room response, delayed) with its clean system track as reference.
"""

from __future__ import annotations

import io
import subprocess
from functools import cache

import numpy as np
import soundfile
from scipy import signal

SENTENCES = [
    "The quarterly numbers look better than we expected, mostly thanks to the new customers in Europe.",
    "Can you send me the updated slides before the meeting with the design team on Thursday?",
    "We decided to postpone the migration until the monitoring dashboards are finished.",
    "I will follow up with legal about the contract and report back next week.",
    "Please remember that the office will be closed on Monday for maintenance.",
    "Our main risk is that the supplier cannot deliver the hardware before the end of March.",
]
VOICES = ["en-us", "en-gb", "en-us+f3", "en-gb+m3", "en-us+m4", "en-gb+f2"]
NOISES = ["white", "pink", "brown", "hum", "bursty", "clicks", "bleed"]


@cache
def speech(index: int, rate: int) -> np.ndarray:
    """One sentence in one voice at ``rate``, peak-normalised to 0.5."""
    voice = VOICES[index % len(VOICES)]
    text = SENTENCES[index % len(SENTENCES)]
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "160", "--stdout", text], check=True, capture_output=True
    ).stdout
    audio, source_rate = soundfile.read(io.BytesIO(wav), dtype="float64")
    audio = signal.resample_poly(audio, rate, source_rate)
    return 0.5 * audio / np.max(np.abs(audio))


def talk(rate: int, seconds: float, seed: int, first_voice: int = 0) -> np.ndarray:
    """Sentences with pauses, filling ``seconds``."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * rate))
    position = int(0.3 * rate)
    index = first_voice
    while position < len(out):
        sentence = speech(index, rate)
        end = min(len(out), position + len(sentence))
        out[position:end] = sentence[: end - position]
        position = end + int(rng.uniform(0.4, 1.2) * rate)
        index += 1
    return out


def _colored(rng: np.random.Generator, count: int, exponent: float) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(count))
    frequencies = np.maximum(np.fft.rfftfreq(count), 1.0 / count)
    noise = np.fft.irfft(spectrum / frequencies ** (exponent / 2), count)
    return noise / np.std(noise)


def room_response(rate: int, rng: np.random.Generator) -> np.ndarray:
    """A short decaying room response from loudspeaker to microphone."""
    length = int(0.06 * rate)
    response = rng.standard_normal(length) * np.exp(-np.arange(length) / (0.012 * rate)) * 0.4
    response[0] = 1.0
    return response


def noise(kind: str, rate: int, count: int, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Unit-power noise of a kind, and for ``bleed`` the clean system track (reference)."""
    rng = np.random.default_rng(seed)
    time = np.arange(count) / rate
    if kind == "white":
        result = rng.standard_normal(count)
    elif kind == "pink":
        result = _colored(rng, count, 1.0)
    elif kind == "brown":
        result = _colored(rng, count, 2.0)
    elif kind == "hum":
        base = 50.0 if seed % 2 else 60.0
        result = sum(np.sin(2 * np.pi * base * k * time + k) / k for k in range(1, 8))
        result = result + 0.05 * rng.standard_normal(count)
    elif kind == "bursty":
        envelope = np.repeat(rng.uniform(0.1, 1.5, count // int(0.5 * rate) + 1), int(0.5 * rate))[:count]
        smoothed = signal.lfilter([0.001], [1, -0.999], envelope)
        result = _colored(rng, count, 1.0) * smoothed / np.mean(smoothed)
    elif kind == "clicks":
        result = 0.05 * rng.standard_normal(count)
        click = np.exp(-np.arange(int(0.004 * rate)) / (0.0008 * rate)) * rng.standard_normal(
            int(0.004 * rate)
        )
        for start in np.cumsum(rng.exponential(0.15 * rate, int(count / (0.15 * rate)) + 1)).astype(int):
            if start + len(click) < count:
                result[start : start + len(click)] += 8 * click
    elif kind == "bleed":
        far = talk(rate, count / rate, seed + 100, first_voice=3)
        delay = int(0.045 * rate)
        echo = signal.fftconvolve(far, room_response(rate, rng))[:count]
        echo = np.concatenate([np.zeros(delay), echo[: count - delay]])
        return echo / np.sqrt(np.mean(echo**2)), far
    else:
        raise ValueError(kind)
    return result / np.sqrt(np.mean(result**2)), None


def mixture(kind: str, snr_db: float, rate: int, seconds: float, seed: int) -> dict[str, np.ndarray | None]:
    """Clean speech, the noisy mixture at ``snr_db`` and the reference track, if any."""
    clean = talk(rate, seconds, seed)
    count = len(clean)
    interference, reference = noise(kind, rate, count, seed)
    active = np.abs(clean) > 1e-4
    speech_power = np.mean(clean[active] ** 2) * active.mean()
    scale = np.sqrt(speech_power / 10 ** (snr_db / 10))
    noisy = clean + scale * interference
    peak = np.max(np.abs(noisy))
    gain = 0.9 / peak if peak > 0.9 else 1.0
    return {
        "clean": clean * gain,
        "noisy": noisy * gain,
        "reference": reference,
        "far_only": (np.abs(clean) < 1e-4) & (np.abs(scale * interference) > 1e-3)
        if kind == "bleed"
        else None,
    }
