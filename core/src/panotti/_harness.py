"""The author test kit's machinery; the fixtures live in :mod:`panotti.testing`."""

from __future__ import annotations

import asyncio
import fnmatch
import textwrap
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pluggy
import yaml

from .events import Event, EventBus, MemoryStore, RetryPolicy
from .hookspecs import new_hook_manager, register_hooks
from .plugins import Paths, PluginBase, PluginContext, PluginManager, discover, validate_settings
from .recording import RecordingData, RecordingEnded, RecordingMetadata


@dataclass(frozen=True)
class SampleRecording:
    """The two-track sample meeting that ships with panotti."""

    microphone: Path
    system: Path
    metadata: RecordingMetadata


def sample_recording() -> SampleRecording:
    """Paths of the shipped sample (a 24 s, 16 kHz stand-up with two speakers)."""
    folder = Path(str(resources.files("panotti") / "samples" / "standup"))
    metadata = yaml.safe_load((folder / "meeting.yaml").read_text(encoding="utf-8"))
    return SampleRecording(
        folder / "microphone.wav", folder / "system.wav", RecordingMetadata.model_validate(metadata)
    )


@dataclass
class PluginHarness:
    """An isolated bus (in memory), folders and loaded plugins, for one test.

    ``load`` a plugin by entry-point name (it must be installed) or by class,
    publish events, then ``wait_for`` what the plugins emitted.
    """

    root: Path
    bus: EventBus = field(default_factory=lambda: EventBus(MemoryStore(), retry=RetryPolicy(1, 0.01)))
    plugins: list[PluginBase[Any]] = field(default_factory=list)
    seen: list[Event[Any]] = field(default_factory=list)
    hooks: pluggy.PluginManager = field(default_factory=new_hook_manager)
    _arrived: asyncio.Condition | None = None

    @property
    def paths(self) -> Paths:
        """The test's own config and data folders."""
        return Paths(self.root / "config", self.root / "data")

    async def start(self) -> PluginHarness:
        """Start the bus and begin recording every published event."""
        self._arrived = asyncio.Condition()
        self.bus.add_tap(self._record)
        await self.bus.start()
        return self

    def _record(self, event: Event[Any]) -> None:
        self.seen.append(event)
        arrived = self._arrived
        if arrived is not None:

            async def notify() -> None:
                async with arrived:
                    arrived.notify_all()

            asyncio.get_running_loop().create_task(notify())

    async def aclose(self) -> None:
        """Shut the plugins down (reverse order) and stop the bus."""
        for plugin in reversed(self.plugins):
            await plugin.shutdown()
        self.plugins.clear()
        await self.bus.stop()

    async def __aenter__(self) -> PluginHarness:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def load(
        self,
        plugin: str | type[PluginBase[Any]],
        settings: dict[str, Any] | None = None,
        *,
        name: str | None = None,
    ) -> PluginBase[Any]:
        """Validate ``settings`` like the manager does, then create and initialize the plugin.

        Raises :class:`panotti.ConfigError` for invalid settings, naming the field.
        """
        version = "0.0.0"
        if isinstance(plugin, str):
            found = {item.name: item for item in discover()}
            if plugin not in found:
                raise LookupError(f"no installed plugin named {plugin!r}; installed: {sorted(found)}")
            entry = found[plugin]
            plugin_class = entry.entry_point.load()
            name, version = plugin, entry.version
        else:
            plugin_class = plugin
            name = name or plugin_class.__name__.lower()
        validated = validate_settings(
            plugin_class.Settings, settings or {}, path=Path("<test settings>"), plugin=name
        )
        # Through pluggy, as the manager does: a broken hookimpl fails the author's test too.
        if not self.hooks.is_registered(plugin_class):
            register_hooks(self.hooks, plugin_class, name)
        for implementation in self.hooks.hook.panotti_event_types.get_hookimpls():
            if implementation.plugin_name == name:
                event_types: Any = implementation.function() or []
                for event_type in event_types:
                    self.bus.register_event_type(event_type)
        context = PluginContext(name, version, self.bus, self.paths.data_dir, self.paths.config_dir)
        instance: PluginBase[Any] = plugin_class(context, validated)
        await instance.initialize()
        self.plugins.append(instance)
        return instance

    def manager(self) -> PluginManager:
        """A real plugin manager over this harness's bus and folders."""
        return PluginManager(self.bus, self.paths)

    def write_config(self, plugin: str, config: dict[str, Any] | str) -> Path:
        """Write ``plugins/<plugin>.yaml`` in the test's config folder (a dict or raw YAML)."""
        path = self.paths.plugin_file(plugin)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = config if isinstance(config, str) else yaml.safe_dump(config)
        path.write_text(text, encoding="utf-8")
        return path

    async def publish(self, event: Event[Any]) -> Event[Any]:
        """Publish an event as the host would."""
        return await self.bus.publish(event)

    async def publish_recording(
        self,
        microphone: Path,
        system: Path | None = None,
        *,
        recording_id: str = "test-recording",
        metadata: RecordingMetadata | None = None,
    ) -> RecordingEnded:
        """Publish ``recording.ended`` for these files; returns the event."""
        data = RecordingData(
            recording_id=recording_id,
            microphone_path=microphone,
            system_path=system,
            metadata=metadata or RecordingMetadata(),
        )
        event = RecordingEnded.create(data=data)
        await self.bus.publish(event)
        return event

    def events(self, pattern: str = "*", correlation_id: str | None = None) -> list[Event[Any]]:
        """Events published so far whose name matches the glob, in order."""
        return [
            event
            for event in self.seen
            if fnmatch.fnmatchcase(event.name, pattern)
            and (correlation_id is None or event.correlation_id == correlation_id)
        ]

    async def wait_for(
        self, pattern: str, *, correlation_id: str | None = None, timeout: float = 30.0
    ) -> Event[Any]:
        """The first event matching the glob (already published or still to come)."""
        assert self._arrived is not None, "start the harness first"
        async with asyncio.timeout(timeout), self._arrived:
            while True:
                found = self.events(pattern, correlation_id)
                if found:
                    return found[0]
                await self._arrived.wait()

    async def settle(self, event: Event[Any], timeout: float = 60.0) -> list[Event[Any]]:
        """Wait until the work caused by the event's correlation id is done; returns its events."""
        await self.bus.settled(event.correlation_id, timeout)
        return self.events(correlation_id=event.correlation_id)


def make_plugin_distribution(
    site: Path,
    *,
    name: str,
    module: str,
    code: str,
    distribution: str | None = None,
    version: str = "0.1.0",
    manifest: str = "",
    attribute: str = "Plugin",
) -> Path:
    """Write a real installed distribution (``.dist-info`` + package) into ``site``.

    Put ``site`` on ``sys.path`` (``monkeypatch.syspath_prepend``) and the
    plugin is found through its entry point like any pip-installed one.
    """
    distribution = distribution or f"panotti-plugin-{name.replace('_', '-')}"
    package = site / module
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(textwrap.dedent(code), encoding="utf-8")
    if manifest:
        (package / "plugin.toml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[panotti.plugins]\n{name} = {module}:{attribute}\n", encoding="utf-8"
    )
    return package
