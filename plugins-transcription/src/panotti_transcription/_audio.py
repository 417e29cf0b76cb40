"""Reading a track as 16 kHz mono pieces, cut where it is quiet, one piece in memory at a time."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile
from numpy.typing import NDArray
from scipy.signal import resample_poly

RATE = 16_000
"""What both backends expect."""
SEARCH_SECONDS = 2.0
"""A cut is moved to the quietest 100 ms within this distance of the planned point."""


def duration(path: Path) -> float:
    """Length of an audio file in seconds."""
    info = soundfile.info(str(path))
    return float(info.frames / info.samplerate)


def _to_rate(block: NDArray[np.float64], rate: int) -> NDArray[np.float32]:
    mono = block.mean(axis=1) if block.ndim == 2 else block
    if rate != RATE:
        ratio = Fraction(RATE, rate)
        mono = resample_poly(mono, ratio.numerator, ratio.denominator)
    return np.asarray(mono, dtype=np.float32)


def _quietest_cut(audio: NDArray[np.float32], planned: int) -> int:
    window = RATE // 10
    low = max(window, planned - int(SEARCH_SECONDS * RATE))
    high = min(len(audio) - window, planned + int(SEARCH_SECONDS * RATE))
    if high <= low:
        return planned
    energy = np.convolve(audio[low - window // 2 : high + window // 2] ** 2, np.ones(window), mode="same")
    return low + int(np.argmin(energy[window // 2 : window // 2 + (high - low)]))


def pieces(path: Path, chunk_seconds: float) -> Iterator[tuple[float, NDArray[np.float32]]]:
    """``(offset seconds, samples)`` pieces of about ``chunk_seconds`` covering the whole track.

    Each cut lies at the quietest point near its planned time, so words are
    rarely split. Memory holds one piece plus the search margin.
    """
    with soundfile.SoundFile(str(path)) as source:
        rate = source.samplerate
        read = int((chunk_seconds + 2 * SEARCH_SECONDS) * rate)
        carry = np.zeros(0, dtype=np.float32)
        offset = 0
        finished = False
        while not finished:
            block = source.read(read, dtype="float64", always_2d=True)
            finished = len(block) < read
            audio = np.concatenate([carry, _to_rate(block, rate)]) if len(block) else carry
            planned = int(chunk_seconds * RATE)
            if len(audio) < planned + int(SEARCH_SECONDS * RATE) + RATE // 10:
                cut = len(audio) if finished else min(len(audio), planned)
            else:
                cut = _quietest_cut(audio, planned)
            if cut > 0:
                yield offset / RATE, audio[:cut]
            offset += cut
            carry = audio[cut:]
        if len(carry):
            yield offset / RATE, carry
