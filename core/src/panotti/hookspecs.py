"""Synchronous extension points that plugins implement with ``@hookimpl``.

Implement them as ``@staticmethod`` (or ``@classmethod``) on the plugin class
named by the entry point::

    class MyPlugin(PluginBase[MySettings]):
        @staticmethod
        @hookimpl
        def panotti_event_types() -> list[type[Event[Any]]]:
            return [MyCompleted]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .events import Event

PROJECT = "panotti"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def panotti_event_types() -> list[type[Event[Any]]]:  # type: ignore[empty-body]
    """Typed events this plugin publishes; the bus validates them by name."""


@hookspec
def panotti_cli_commands() -> list[click.Command]:  # type: ignore[empty-body]
    """Click commands to add to the ``panotti`` CLI (for example ``panotti denoise``)."""


@hookspec
def panotti_status() -> dict[str, Any]:  # type: ignore[empty-body]
    """Facts about the plugin shown by ``panotti plugins info`` (backends found, models...)."""


def new_hook_manager() -> pluggy.PluginManager:
    """A pluggy manager that knows Panotti's hookspecs."""
    from . import hookspecs

    hooks = pluggy.PluginManager(PROJECT)
    hooks.add_hookspecs(hookspecs)
    return hooks


def register_hooks(hooks: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Register a plugin's hook implementations, or raise ``PluginError`` naming the plugin.

    A hookimpl with a wrong signature or an unknown ``panotti_`` hook is
    refused and nothing of the plugin stays registered.
    """
    from ._errors import PluginError

    try:
        hooks.register(plugin, name=name)
        hooks.check_pending()
    except pluggy.PluginValidationError as error:
        if hooks.is_registered(plugin):
            hooks.unregister(plugin)
        raise PluginError(f"plugin {name}: invalid hook implementation: {error}") from None
