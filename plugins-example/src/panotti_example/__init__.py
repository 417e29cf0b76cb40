"""Panotti's reference plugin: a level report of each track of a recording."""

from .events import ExampleCompleted, ExampleCompletedData, ExampleFailed, ExampleFailedData
from .plugin import ExamplePlugin, ExampleSettings
from .report import TrackReport, analyse_track

__all__ = [
    "ExampleCompleted",
    "ExampleCompletedData",
    "ExampleFailed",
    "ExampleFailedData",
    "ExamplePlugin",
    "ExampleSettings",
    "TrackReport",
    "analyse_track",
]
