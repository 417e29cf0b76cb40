"""Building the bus and the plugin manager for a CLI command."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

from rich.console import Console

from ..events import EventBus, MemoryStore, SQLiteStore
from ..plugins import Paths, PluginManager

EXIT_OK = 0
EXIT_FAILED = 1
"""The command ran, but some of the work failed (a plugin reported a failure)."""
EXIT_USAGE = 2
"""Bad arguments or unusable input files (nothing was processed)."""
EXIT_PLUGIN_PROBLEMS = 3
"""A plugin is broken (``plugins check``)."""
EXIT_TIMEOUT = 4
"""The work did not settle in time; it stays pending and resumes on the next run."""

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@dataclass
class CliState:
    """What the top-level options decided."""

    paths: Paths
    verbose: int = 0


def configure_logging(verbose: int) -> None:
    """Warnings by default; ``-v`` for info, ``-vv`` for debug."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s", force=True
    )


def metadata_manager(paths: Paths) -> PluginManager:
    """A manager for commands that only read metadata or load plugins without running them."""
    return PluginManager(EventBus(MemoryStore()), paths)


@contextlib.asynccontextmanager
async def running_plugins(paths: Paths, *, timeout: float = 300.0) -> AsyncIterator[PluginManager]:
    """The durable bus and the started plugins; everything is stopped on exit."""
    bus = EventBus(SQLiteStore(paths.event_store), handler_timeout=timeout)
    await bus.start()
    manager = PluginManager(bus, paths)
    try:
        await manager.start()
        yield manager
    finally:
        await manager.stop()
        await bus.stop()


@contextlib.asynccontextmanager
async def opened_store(paths: Paths) -> AsyncIterator[SQLiteStore]:
    """The event store alone, for commands that read or prune it."""
    store = SQLiteStore(paths.event_store)
    await store.open()
    try:
        yield store
    finally:
        await store.close()
