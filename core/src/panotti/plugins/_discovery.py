"""Finding installed plugins through entry points, without importing their code."""

from __future__ import annotations

import importlib.util
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import importlib_metadata
from packaging.requirements import InvalidRequirement, Requirement
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENTRY_POINT_GROUP = "panotti.plugins"
MANIFEST_FILE = "plugin.toml"
EXAMPLE_CONFIG_FILE = "plugin.yaml.example"

logger = logging.getLogger("panotti.plugins")


class PluginManifest(BaseModel):
    """What a plugin declares before any of its code runs.

    Kept in ``plugin.toml`` beside the plugin package's ``__init__.py``, one
    table per entry-point name::

        [example]
        description = "Reports duration and levels of each track."
        requires = ["noise_reduction>=0.1"]   # must be present and active
        after = ["transcription"]             # run after these when they are active
        host_api = ">=1,<2"                   # panotti host API versions supported
        enabled_by_default = true             # false: disabled until configured
    """

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    requires: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list)
    host_api: str | None = None
    enabled_by_default: bool = True
    """False for plugins that need configuring first (an API key): they stay disabled until
    their config file exists and enables them."""

    @field_validator("requires")
    @classmethod
    def _requirements(cls, values: list[str]) -> list[str]:
        for value in values:
            Requirement(value)
        return values


@dataclass
class DiscoveredPlugin:
    """An installed plugin as its metadata describes it."""

    name: str
    distribution: str
    version: str
    target: str
    """The entry point's ``module:attribute``."""
    entry_point: importlib_metadata.EntryPoint
    package_dir: Path | None = None
    manifest: PluginManifest = field(default_factory=PluginManifest)
    problem: str | None = None
    """Why the plugin cannot be used, when known before import."""

    @property
    def module(self) -> str:
        """The module the entry point names."""
        return self.target.partition(":")[0].strip()

    @property
    def example_config(self) -> Path | None:
        """The shipped example config, if any."""
        if self.package_dir is None:
            return None
        for candidate in (f"{self.name}.yaml.example", EXAMPLE_CONFIG_FILE):
            path = self.package_dir / candidate
            if path.is_file():
                return path
        return None


def parse_requirement(text: str, *, plugin: str) -> Requirement:
    """A dependency requirement such as ``noise_reduction>=0.1``."""
    try:
        return Requirement(text)
    except InvalidRequirement as error:
        raise ValueError(f"plugin {plugin}: bad dependency {text!r}: {error}") from None


def _package_dir(module: str) -> Path | None:
    top = module.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin).parent if spec.origin else None


def _module_exists(module: str) -> bool:
    # find_spec on a dotted name imports the parents; checking the file instead keeps plugin code unexecuted.
    parts = module.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    if len(parts) == 1:
        return True
    if not spec.submodule_search_locations:
        return False
    base = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _read_manifest(found: DiscoveredPlugin) -> None:
    if found.package_dir is None:
        return
    path = found.package_dir / MANIFEST_FILE
    if not path.is_file():
        return
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
        found.manifest = PluginManifest.model_validate(tables.get(found.name, {}))
    except (OSError, tomllib.TOMLDecodeError, ValidationError, InvalidRequirement) as error:
        found.problem = f"invalid manifest {path}: {error}"


def discover(group: str = ENTRY_POINT_GROUP) -> list[DiscoveredPlugin]:
    """Every installed plugin, sorted by name, each distribution counted once.

    Two distributions claiming the same plugin name are both reported, the
    second with a problem.
    """
    found: dict[str, DiscoveredPlugin] = {}
    conflicts: list[DiscoveredPlugin] = []
    for entry_point in importlib_metadata.entry_points(group=group):
        dist = entry_point.dist
        dist_name = dist.name if dist is not None else "(unknown)"
        version = dist.version if dist is not None else "0"
        known = found.get(entry_point.name)
        if known is not None:
            if known.distribution == dist_name:
                continue  # the same distribution seen twice on sys.path
            conflict = DiscoveredPlugin(entry_point.name, dist_name, version, entry_point.value, entry_point)
            conflict.problem = f"plugin name also provided by {known.distribution}"
            conflicts.append(conflict)
            continue
        plugin = DiscoveredPlugin(entry_point.name, dist_name, version, entry_point.value, entry_point)
        plugin.package_dir = _package_dir(plugin.module)
        if not _module_exists(plugin.module):
            plugin.problem = f"module {plugin.module} is not installed"
        else:
            _read_manifest(plugin)
        found[plugin.name] = plugin
    return sorted([*found.values(), *conflicts], key=lambda plugin: plugin.name)
