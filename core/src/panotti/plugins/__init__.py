"""Plugins: the base class, settings, discovery and the manager."""

from ._base import HandlerSpec, PluginBase, PluginContext, declared_handlers, handles
from ._config import Paths, PluginConfig, PluginSettings, interpolate, read_plugin_config, validate_settings
from ._discovery import ENTRY_POINT_GROUP, DiscoveredPlugin, PluginManifest, discover
from ._manager import PluginManager, PluginRecord, PluginState
from ._progress import ProgressFile

__all__ = [
    "ENTRY_POINT_GROUP",
    "DiscoveredPlugin",
    "HandlerSpec",
    "Paths",
    "PluginBase",
    "PluginConfig",
    "PluginContext",
    "PluginManager",
    "PluginManifest",
    "PluginRecord",
    "PluginSettings",
    "PluginState",
    "ProgressFile",
    "declared_handlers",
    "discover",
    "handles",
    "interpolate",
    "read_plugin_config",
    "validate_settings",
]
