"""The plugin manager: discovery, validation, dependency order and lifecycle."""

from __future__ import annotations

import asyncio
import heapq
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .. import hookspecs
from .._errors import ConfigError, PluginError
from .._version import HOST_API_VERSION
from ..events import EventBus
from . import _core_hooks
from ._base import PluginBase, PluginContext
from ._config import Paths, PluginConfig, read_plugin_config, validate_settings
from ._discovery import DiscoveredPlugin, discover, parse_requirement

logger = logging.getLogger("panotti.plugins")


class PluginState(StrEnum):
    """Where a plugin ended up. Only ``ready`` and ``active`` plugins run."""

    DISCOVERED = "discovered"
    DISABLED = "disabled"
    INCOMPATIBLE = "incompatible"
    CONFLICT = "conflict"
    MISSING_DEPENDENCY = "missing-dependency"
    DEPENDENCY_CYCLE = "dependency-cycle"
    BLOCKED = "blocked"
    IMPORT_FAILED = "import-failed"
    CONFIG_INVALID = "config-invalid"
    INIT_FAILED = "init-failed"
    READY = "ready"
    """Checked without importing (``plugins list``) or loaded, not started yet."""
    ACTIVE = "active"
    STOPPED = "stopped"


_HEALTHY = {PluginState.DISCOVERED, PluginState.READY, PluginState.ACTIVE}


@dataclass
class PluginRecord:
    """Everything the manager knows about one installed plugin."""

    found: DiscoveredPlugin
    config_file: Path
    state: PluginState = PluginState.DISCOVERED
    reason: str = ""
    blocked_by: str | None = None
    config: PluginConfig | None = None
    plugin_class: type[PluginBase[Any]] | None = None
    settings: Any = None
    instance: PluginBase[Any] | None = None
    requires: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The entry-point name."""
        return self.found.name

    @property
    def label(self) -> str:
        """The state as shown to people: ``blocked-by-X`` for blocked plugins."""
        if self.state is PluginState.BLOCKED and self.blocked_by:
            return f"blocked-by-{self.blocked_by}"
        return self.state.value

    @property
    def healthy(self) -> bool:
        """Not failed so far."""
        return self.state in _HEALTHY

    def fail(self, state: PluginState, reason: str, blocked_by: str | None = None) -> None:
        """Record why this plugin will not run."""
        self.state, self.reason, self.blocked_by = state, reason, blocked_by
        log = logger.info if state is PluginState.DISABLED else logger.warning
        log("plugin %s: %s: %s", self.name, self.label, reason)


class PluginManager:
    """Finds, checks, orders, starts and stops the installed plugins.

    ``check()`` needs no plugin code; ``load()`` imports and validates the
    plugins that passed; ``start()`` initializes them in dependency order;
    ``stop()`` shuts them down in reverse. A broken plugin only affects the
    plugins that require it.
    """

    def __init__(
        self,
        bus: EventBus,
        paths: Paths,
        *,
        group: str = "panotti.plugins",
        init_timeout: float = 30.0,
        shutdown_timeout: float = 30.0,
    ) -> None:
        self.bus = bus
        self.paths = paths
        self.group = group
        self.init_timeout = init_timeout
        self.shutdown_timeout = shutdown_timeout
        self.hooks = hookspecs.new_hook_manager()
        self.records: dict[str, PluginRecord] = {}
        self.order: list[str] = []
        self._checked = False
        self._loaded = False

    def __iter__(self) -> Iterator[PluginRecord]:
        return iter(self.records.values())

    def get(self, name: str) -> PluginRecord:
        """One plugin's record; ``PluginError`` names the installed plugins when missing."""
        self.check()
        try:
            return self.records[name]
        except KeyError:
            installed = ", ".join(self.records) or "none"
            raise PluginError(f"no plugin named {name!r} is installed (installed: {installed})") from None

    @property
    def active(self) -> list[PluginBase[Any]]:
        """Running plugin instances, in start order."""
        return [
            record.instance
            for name in self.order
            if (record := self.records[name]).state is PluginState.ACTIVE and record.instance
        ]

    # -- phase 1: metadata only -----------------------------------------------

    def check(self) -> list[PluginRecord]:
        """Discover and check everything that can be checked without importing plugin code."""
        if self._checked:
            return list(self.records.values())
        self._checked = True
        for found in discover(self.group):
            record = PluginRecord(found, self.paths.plugin_file(found.name))
            self.records.setdefault(found.name, record)
            if found.problem:
                state = (
                    PluginState.CONFLICT if "also provided" in found.problem else PluginState.IMPORT_FAILED
                )
                if found.problem.startswith("invalid manifest"):
                    state = PluginState.INCOMPATIBLE
                if self.records[found.name] is record:
                    record.fail(state, found.problem)
                continue
            self._read_config(record)
        for record in self._candidates():
            self._check_compatibility(record)
        self._check_dependencies()
        self._order()
        for record in self._candidates():
            record.state = PluginState.READY
        return list(self.records.values())

    def _candidates(self) -> list[PluginRecord]:
        return [record for record in self.records.values() if record.healthy]

    def _read_config(self, record: PluginRecord) -> None:
        try:
            record.config = read_plugin_config(record.config_file, record.name)
        except ConfigError as error:
            record.fail(PluginState.CONFIG_INVALID, str(error))
            return
        if not record.config.enabled:
            record.fail(PluginState.DISABLED, f"disabled in {record.config_file}")
        elif not record.found.manifest.enabled_by_default and not record.config_file.exists():
            record.fail(
                PluginState.DISABLED,
                f"needs configuring first: `panotti plugins init {record.name}`, then enable it",
            )

    def _check_compatibility(self, record: PluginRecord) -> None:
        host_api = record.found.manifest.host_api
        if host_api and not _satisfies(HOST_API_VERSION, host_api):
            record.fail(
                PluginState.INCOMPATIBLE,
                f"supports host API {host_api}; this panotti provides {HOST_API_VERSION}",
            )
            return
        assert record.config is not None
        wanted = record.config.version
        if wanted and not _satisfies(record.found.version, wanted):
            record.fail(
                PluginState.INCOMPATIBLE,
                f"{record.config_file} asks for version {wanted}; {record.found.version} is installed",
            )

    def _check_dependencies(self) -> None:
        for record in self._candidates():
            assert record.config is not None
            requirements = [*record.found.manifest.requires, *record.config.dependencies]
            for text in requirements:
                try:
                    requirement = parse_requirement(text, plugin=record.name)
                except ValueError as error:
                    record.fail(PluginState.CONFIG_INVALID, str(error))
                    break
                target = self.records.get(requirement.name)
                if target is None:
                    record.fail(PluginState.MISSING_DEPENDENCY, f"requires {text}, which is not installed")
                    break
                if requirement.specifier and not _satisfies(target.found.version, str(requirement.specifier)):
                    record.fail(
                        PluginState.MISSING_DEPENDENCY,
                        f"requires {text}; {target.found.distribution} {target.found.version} is installed",
                    )
                    break
                record.requires.append(requirement.name)
        self._propagate_blocks()

    def _propagate_blocks(self) -> None:
        changed = True
        while changed:
            changed = False
            for record in self._candidates():
                for dependency in record.requires:
                    target = self.records[dependency]
                    if not target.healthy:
                        record.fail(
                            PluginState.BLOCKED,
                            f"requires {dependency}, which is {target.label}",
                            blocked_by=dependency,
                        )
                        changed = True
                        break

    def _order(self) -> None:
        """Deterministic topological order: required and ``after`` plugins first, ties by name."""
        candidates = {record.name: record for record in self._candidates()}
        edges: dict[str, set[str]] = {name: set() for name in candidates}
        for name, record in candidates.items():
            for before in [*record.requires, *record.found.manifest.after]:
                if before in candidates and before != name:
                    edges[name].add(before)
        for cycle in _cycles(edges):
            path = " -> ".join([*cycle, cycle[0]])
            for name in cycle:
                candidates[name].fail(PluginState.DEPENDENCY_CYCLE, f"dependency cycle: {path}")
        self._propagate_blocks()
        remaining = {name: edges[name] for name in candidates if candidates[name].healthy}
        self.order = _topological(remaining)

    # -- phase 2: import and validate ------------------------------------------

    def load(self) -> list[PluginRecord]:
        """Import the plugins that passed ``check`` and validate every config before any starts."""
        self.check()
        if self._loaded:
            return list(self.records.values())
        self._loaded = True
        self.hooks.register(_core_hooks, name="panotti")
        for name in self.order:
            record = self.records[name]
            if record.healthy:
                self._import(record)
        for name in self.order:
            record = self.records[name]
            if record.healthy:
                self._validate(record)
        self._register_event_types()
        self._propagate_blocks()
        self.order = [name for name in self.order if self.records[name].healthy]
        return list(self.records.values())

    def _import(self, record: PluginRecord) -> None:
        try:
            loaded = record.found.entry_point.load()
        except Exception as error:
            record.fail(
                PluginState.IMPORT_FAILED,
                f"cannot import {record.found.target}: {type(error).__name__}: {error}",
            )
            return
        if not (isinstance(loaded, type) and issubclass(loaded, PluginBase)):
            record.fail(PluginState.IMPORT_FAILED, f"{record.found.target} is not a PluginBase subclass")
            return
        try:
            hookspecs.register_hooks(self.hooks, loaded, record.name)
        except PluginError as error:
            record.fail(PluginState.IMPORT_FAILED, str(error))
            return
        record.plugin_class = loaded

    def _validate(self, record: PluginRecord) -> None:
        assert record.plugin_class is not None and record.config is not None
        try:
            record.settings = validate_settings(
                record.plugin_class.Settings,
                record.config.config,
                path=record.config_file,
                plugin=record.name,
            )
        except ConfigError as error:
            record.fail(PluginState.CONFIG_INVALID, str(error))

    def _register_event_types(self) -> None:
        for plugin_name, result in self.call_hook("panotti_event_types"):
            for event_type in result or []:
                try:
                    self.bus.register_event_type(event_type)
                except (ValueError, TypeError, AttributeError) as error:
                    if plugin_name in self.records:
                        self.records[plugin_name].fail(
                            PluginState.IMPORT_FAILED, f"panotti_event_types: {error}"
                        )

    def call_hook(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call a hook on each loaded plugin separately; a failing plugin is logged and skipped."""
        results = []
        caller = getattr(self.hooks.hook, hook_name)
        for implementation in caller.get_hookimpls():
            record = self.records.get(implementation.plugin_name)
            if record is not None and not record.healthy:
                continue
            try:
                results.append((implementation.plugin_name, implementation.function()))
            except Exception as error:
                logger.warning("plugin %s: hook %s failed: %s", implementation.plugin_name, hook_name, error)
        return results

    # -- phase 3: lifecycle --------------------------------------------------

    async def start(self) -> list[PluginBase[Any]]:
        """Initialize loaded plugins in dependency order, then resume pending deliveries."""
        self.load()
        for name in self.order:
            record = self.records[name]
            blocker = next(
                (d for d in record.requires if self.records[d].state is not PluginState.ACTIVE), None
            )
            if blocker is not None:
                record.fail(
                    PluginState.BLOCKED,
                    f"requires {blocker}, which is {self.records[blocker].label}",
                    blocked_by=blocker,
                )
                continue
            if record.healthy:
                await self._initialize(record)
        await self.bus.resume()
        return self.active

    async def _initialize(self, record: PluginRecord) -> None:
        assert record.plugin_class is not None
        context = PluginContext(
            record.name, record.found.version, self.bus, self.paths.data_dir, self.paths.config_dir
        )
        # A plugin whose initialize fails or times out has already unsubscribed (PluginBase does it).
        try:
            instance = record.plugin_class(context, record.settings)
            await asyncio.wait_for(instance.initialize(), self.init_timeout)
        except TimeoutError:
            record.fail(PluginState.INIT_FAILED, f"initialize did not finish in {self.init_timeout:g} s")
            return
        except Exception as error:
            record.fail(PluginState.INIT_FAILED, f"initialize raised {type(error).__name__}: {error}")
            return
        record.instance = instance
        record.state = PluginState.ACTIVE
        logger.info("plugin %s %s is active", record.name, record.found.version)

    async def stop(self) -> None:
        """Shut down active plugins in reverse order; every one is tried even if others fail."""
        for name in reversed(self.order):
            record = self.records[name]
            if record.state is not PluginState.ACTIVE or record.instance is None:
                continue
            try:
                await asyncio.wait_for(record.instance.shutdown(), self.shutdown_timeout)
            except Exception as error:
                logger.warning("plugin %s: shutdown failed: %s: %s", name, type(error).__name__, error)
            record.state = PluginState.STOPPED

    def problems(self) -> list[PluginRecord]:
        """Plugins that are neither running nor disabled on purpose."""
        return [
            record
            for record in self.records.values()
            if record.state
            not in (PluginState.READY, PluginState.ACTIVE, PluginState.STOPPED, PluginState.DISABLED)
        ]


def _satisfies(version: str, specifier: str) -> bool:
    try:
        return Version(version) in SpecifierSet(specifier)
    except (InvalidVersion, InvalidSpecifier):
        return False


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle once, as the path of names starting at its smallest name."""
    cycles: list[list[str]] = []
    seen: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(edges[name]):
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    start = cycle.index(min(cycle))
                    cycles.append(cycle[start:] + cycle[:start])
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name)
    return cycles


def _topological(edges: dict[str, set[str]]) -> list[str]:
    """Kahn's algorithm with a heap, so that ties break by name."""
    waiting = {name: {before for before in befores if before in edges} for name, befores in edges.items()}
    ready = [name for name, befores in waiting.items() if not befores]
    heapq.heapify(ready)
    order = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for other, befores in waiting.items():
            if name in befores:
                befores.discard(name)
                if not befores:
                    heapq.heappush(ready, other)
    return order
