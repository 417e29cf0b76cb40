"""Shared test helpers: real plugin distributions written to a folder on sys.path."""

import itertools
from pathlib import Path

import pytest

from panotti.events import EventBus, MemoryStore
from panotti.plugins import Paths, PluginManager
from panotti.testing import make_plugin_distribution

_unique = itertools.count()

PLUGIN_CODE = """
import asyncio
from panotti import PluginBase, PluginSettings

class Settings(PluginSettings):
    log_file: str = ""
    threshold: int = 0

class Plugin(PluginBase[Settings]):
    Settings = Settings

    async def start(self):
        self._log("start")
        {start}

    async def stop(self):
        self._log("stop")
        {stop}

    def _log(self, what):
        if self.settings.log_file:
            with open(self.settings.log_file, "a") as handle:
                handle.write(f"{{what}} {{self.name}}\\n")
"""


class Site:
    """Real plugin distributions written into a folder on sys.path."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = tmp_path / "site"
        self.root.mkdir()
        monkeypatch.syspath_prepend(str(self.root))
        self.paths = Paths(tmp_path / "config", tmp_path / "data")
        self.log = tmp_path / "lifecycle.log"
        self.suffix = f"t{next(_unique)}"
        self.names: list[str] = []

    def name(self, short: str) -> str:
        return f"{short}_{self.suffix}"

    def add(
        self,
        short: str,
        *,
        requires: list[str] = (),
        after: list[str] = (),
        host_api: str | None = None,
        start: str = "pass",
        stop: str = "pass",
        code: str | None = None,
        version: str = "0.1.0",
        config: str | None = None,
        enabled_by_default: bool = True,
    ) -> str:
        name = self.name(short)
        self.names.append(name)
        required = [self._qualify(requirement) for requirement in requires]
        manifest = f"[{name}]\nrequires = {required!r}\n"
        manifest += f"after = {[self.name(a) for a in after]!r}\n"
        if host_api:
            manifest += f"host_api = {host_api!r}\n"
        if not enabled_by_default:
            manifest += "enabled_by_default = false\n"
        make_plugin_distribution(
            self.root,
            name=name,
            module=f"mod_{name}",
            code=code or PLUGIN_CODE.format(start=start, stop=stop),
            version=version,
            manifest=manifest,
        )
        config_file = self.paths.plugin_file(name)
        config_file.parent.mkdir(parents=True, exist_ok=True)
        if config != "<none>":
            config_file.write_text(config if config is not None else f"config:\n  log_file: {self.log}\n")
        return name

    def _qualify(self, requirement: str) -> str:
        """``good>=0.1`` becomes ``good_t3>=0.1``."""
        short, operator, rest = requirement.partition(">")
        return self.name(short) + operator + rest

    def manager(self, **options: float) -> PluginManager:
        return PluginManager(EventBus(MemoryStore()), self.paths, **options)

    def states(self, manager: PluginManager) -> dict[str, str]:
        return {name.rsplit("_", 1)[0]: manager.records[name].label for name in self.names}

    def lifecycle(self) -> list[str]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [line.rsplit("_", 1)[0] for line in lines]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    return Site(tmp_path, monkeypatch)
