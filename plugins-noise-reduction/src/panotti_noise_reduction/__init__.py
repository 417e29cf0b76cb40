"""Panotti plugin: speech-preserving denoising and removal of system-audio bleed."""

from ._process import Options, Result, clean_file
from .events import (
    CleaningStats,
    NoiseReductionCompleted,
    NoiseReductionCompletedData,
    NoiseReductionFailed,
    NoiseReductionFailedData,
    NoiseReductionSkipped,
    NoiseReductionSkippedData,
)
from .plugin import NoiseReductionPlugin
from .settings import NoiseReductionSettings

__all__ = [
    "CleaningStats",
    "NoiseReductionCompleted",
    "NoiseReductionCompletedData",
    "NoiseReductionFailed",
    "NoiseReductionFailedData",
    "NoiseReductionPlugin",
    "NoiseReductionSettings",
    "NoiseReductionSkipped",
    "NoiseReductionSkippedData",
    "Options",
    "Result",
    "clean_file",
]
