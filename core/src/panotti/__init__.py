"""Panotti: process meeting recordings through a pipeline of installable plugins.

The public API is what this module exports; see ``panotti.events`` and
``panotti.plugins`` for the rest.
"""

from ._errors import (
    ConfigError,
    EventValidationError,
    PanottiError,
    PluginError,
    RecordingError,
    SettleTimeout,
    StoreError,
)
from ._version import HOST_API_VERSION, __version__
from .events import Event, EventBus, EventContext, EventPriority
from .hookspecs import hookimpl
from .plugins import PluginBase, PluginManager, PluginSettings, handles
from .recording import RecordingData, RecordingEnded, RecordingMetadata, RecordingStarted

__all__ = [
    "HOST_API_VERSION",
    "ConfigError",
    "Event",
    "EventBus",
    "EventContext",
    "EventPriority",
    "EventValidationError",
    "PanottiError",
    "PluginBase",
    "PluginError",
    "PluginManager",
    "PluginSettings",
    "RecordingData",
    "RecordingEnded",
    "RecordingError",
    "RecordingMetadata",
    "RecordingStarted",
    "SettleTimeout",
    "StoreError",
    "__version__",
    "handles",
    "hookimpl",
]
