"""The one exception hierarchy of Panotti."""

from __future__ import annotations


class PanottiError(Exception):
    """Base class of every error Panotti raises on purpose."""


class EventValidationError(PanottiError, ValueError):
    """An event's name or payload does not match what its type declares."""


class StoreError(PanottiError):
    """The event store could not read or write."""


class ConfigError(PanottiError):
    """A configuration file is unreadable or does not validate.

    The message names the file, the plugin and the field path.
    """


class PluginError(PanottiError):
    """A plugin could not be discovered, loaded, initialized or shut down."""


class RecordingError(PanottiError, ValueError):
    """A recording's id, files or metadata are not usable."""


class SettleTimeout(PanottiError, TimeoutError):
    """Work caused by a correlation id did not settle in time."""
