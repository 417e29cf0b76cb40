"""Audio for the tests, made from the speech in panotti's shipped sample (no download)."""

from pathlib import Path

import numpy as np
import pytest
import soundfile
from scipy import signal


def si_sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio in dB."""
    reference = reference - reference.mean()
    estimate = estimate - estimate.mean()
    target = np.dot(estimate, reference) / np.dot(reference, reference) * reference
    return float(10 * np.log10(np.sum(target**2) / np.sum((estimate - target) ** 2)))


@pytest.fixture
def speech(sample_recording) -> tuple[np.ndarray, int]:
    """24 s of clean far-end speech (the sample's system track)."""
    audio, rate = soundfile.read(sample_recording.system)
    return audio, rate


@pytest.fixture
def write(tmp_path: Path):
    def write_wav(name: str, audio: np.ndarray, rate: int, subtype: str = "FLOAT") -> Path:
        path = tmp_path / name
        soundfile.write(path, audio, rate, subtype=subtype)
        return path

    return write_wav


def room_echo(far: np.ndarray, rate: int, delay_seconds: float) -> np.ndarray:
    """The far end as the microphone hears it from the speakers."""
    rng = np.random.default_rng(3)
    length = int(0.05 * rate)
    response = rng.standard_normal(length) * np.exp(-np.arange(length) / (0.01 * rate)) * 0.3
    response[0] = 1.0
    echo = signal.fftconvolve(far, response)[: len(far)] * 0.5
    delay = int(delay_seconds * rate)
    return np.concatenate([np.zeros(delay), echo[: len(far) - delay]])
