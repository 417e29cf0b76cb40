"""Reading a track block by block and measuring its levels."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import soundfile
from pydantic import BaseModel


class TrackReport(BaseModel):
    """Levels of one track."""

    role: str
    """``microphone`` or ``system``."""
    path: str
    duration_seconds: float
    sample_rate: int
    channels: int
    peak_dbfs: float
    """Loudest sample, in dB relative to full scale (-inf for digital silence)."""
    rms_dbfs: float
    """Average power over the whole track, in dBFS."""
    silence_ratio: float
    """Share of blocks quieter than the silence threshold."""


def to_dbfs(value: float) -> float:
    """Amplitude (0..1) to dBFS; -inf stays representable in JSON as -999."""
    return 20 * math.log10(value) if value > 0 else -999.0


def analyse_track(
    path: Path, role: str, *, block_seconds: float, silence_threshold_dbfs: float
) -> TrackReport:
    """Measure a track without loading it whole (one block in memory at a time)."""
    with soundfile.SoundFile(str(path)) as audio:
        rate, channels, frames = audio.samplerate, audio.channels, audio.frames
        block = max(1, int(block_seconds * rate))
        peak = 0.0
        energy = 0.0
        silent_blocks = 0
        blocks = 0
        threshold = 10 ** (silence_threshold_dbfs / 20)
        for chunk in audio.blocks(blocksize=block, dtype="float32", always_2d=True):
            if not len(chunk):
                continue
            samples = chunk.astype(np.float64)
            peak = max(peak, float(np.abs(samples).max()))
            block_energy = float(np.square(samples).sum())
            energy += block_energy
            blocks += 1
            if math.sqrt(block_energy / samples.size) < threshold:
                silent_blocks += 1
    rms = math.sqrt(energy / (frames * channels)) if frames else 0.0
    return TrackReport(
        role=role,
        path=str(path),
        duration_seconds=frames / rate,
        sample_rate=rate,
        channels=channels,
        peak_dbfs=round(to_dbfs(peak), 2),
        rms_dbfs=round(to_dbfs(rms), 2),
        silence_ratio=round(silent_blocks / blocks, 4) if blocks else 1.0,
    )
