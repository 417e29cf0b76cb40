"""The events this plugin publishes. Each carries the recording, so later steps need nothing else."""

from __future__ import annotations

from pydantic import BaseModel

from panotti import Event, RecordingData


class CleaningStats(BaseModel):
    """What the cleaning measured and did."""

    sample_rate: int
    duration_seconds: float
    estimated_input_snr_db: float
    """Speech-to-noise ratio of the input, from the noise estimate."""
    attenuation_db: float
    """How much quieter the output is overall."""
    bleed_delay_ms: float | None = None
    """Delay of the far end's echo behind the system track."""
    bleed_removed_db: float | None = None
    """Energy removed where the far end's echo dominated the microphone."""
    runtime_seconds: float
    clipped_samples: int


class NoiseReductionCompletedData(BaseModel):
    """Payload of ``noise_reduction.completed``."""

    recording: RecordingData
    input_path: str
    output_path: str
    """The cleaned microphone track: same rate, length and timing as the input."""
    reference_path: str | None
    method: str
    stats: CleaningStats
    warnings: list[str] = []


class NoiseReductionSkippedData(BaseModel):
    """Payload of ``noise_reduction.skipped``: later steps use the original tracks."""

    recording: RecordingData
    reason: str


class NoiseReductionFailedData(BaseModel):
    """Payload of ``noise_reduction.failed``."""

    recording: RecordingData
    reason: str
    """Names the file and what is wrong with it."""


class NoiseReductionCompleted(Event[NoiseReductionCompletedData]):
    """The microphone track was cleaned."""

    event_name = "noise_reduction.completed"


class NoiseReductionSkipped(Event[NoiseReductionSkippedData]):
    """There was nothing to clean (no microphone track, or an empty one)."""

    event_name = "noise_reduction.skipped"


class NoiseReductionFailed(Event[NoiseReductionFailedData]):
    """The microphone track could not be read or cleaned."""

    event_name = "noise_reduction.failed"
