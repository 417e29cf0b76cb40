"""Plugin configuration: where it lives, how it is read, interpolated and validated."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import platformdirs
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._errors import ConfigError

CONFIG_DIR_ENV = "PANOTTI_CONFIG_DIR"
DATA_DIR_ENV = "PANOTTI_DATA_DIR"
_REFERENCE = re.compile(r"\$\{([^}]*)\}")

SettingsT = TypeVar("SettingsT", bound=BaseModel)


class PluginSettings(BaseModel):
    """Base of every plugin's settings model. Unknown keys are rejected.

    Subclass it and document each field with a docstring below it; that text
    is what ``panotti plugins info`` shows.
    """

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    max_concurrent_tasks: int = Field(default=2, ge=1, le=64)
    """How many CPU-heavy jobs of this plugin may run at once."""


class PluginConfig(BaseModel):
    """One ``plugins/<name>.yaml`` file."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str | None = None
    """The plugin's entry-point name; must match the file name when given."""
    version: str | None = None
    """A version specifier the installed plugin must satisfy, such as ``>=0.1,<1``."""
    enabled: bool = True
    """Whether the plugin runs. Installed plugins run unless disabled here."""
    dependencies: list[str] = Field(default_factory=list)
    """Extra plugins this one needs, as requirements: ``noise_reduction>=0.1``."""
    config: dict[str, Any] = Field(default_factory=dict)
    """The plugin's own settings, validated by its settings model."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Where configuration and data live."""

    config_dir: Path
    data_dir: Path

    @classmethod
    def resolve(cls, config_dir: str | Path | None = None, data_dir: str | Path | None = None) -> Paths:
        """Flag, else environment variable, else the platform's user folders."""
        config = config_dir or os.environ.get(CONFIG_DIR_ENV) or platformdirs.user_config_dir("panotti")
        data = data_dir or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir("panotti")
        return cls(Path(config).expanduser(), Path(data).expanduser())

    @property
    def plugins_dir(self) -> Path:
        """Folder of the ``<name>.yaml`` files."""
        return self.config_dir / "plugins"

    def plugin_file(self, name: str) -> Path:
        """The config file of one plugin."""
        return self.plugins_dir / f"{name}.yaml"

    @property
    def event_store(self) -> Path:
        """The embedded event store."""
        return self.data_dir / "events.db"


def interpolate(value: Any, *, where: str = "config") -> Any:
    """Replace ``${VAR}``, ``${VAR:-default}`` and ``${file:PATH}`` in every string.

    ``${file:PATH}`` is the content of the file, trailing newline removed:
    the way to pass a secret kept in a file.
    """
    if isinstance(value, str):
        return _REFERENCE.sub(lambda match: _resolve(match.group(1), where), value)
    if isinstance(value, Mapping):
        return {key: interpolate(item, where=f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, where=f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def _resolve(reference: str, where: str) -> str:
    if reference.startswith("file:"):
        path = Path(reference[5:]).expanduser()
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as error:
            raise ConfigError(f"{where}: cannot read secret file {path}: {error.strerror}") from None
    name, _, default = reference.partition(":-")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ConfigError(f"{where}: ${{{reference}}} is not a valid environment variable reference")
    found = os.environ.get(name)
    if found is not None:
        return found
    if ":-" in reference:
        return default
    raise ConfigError(f"{where}: environment variable {name} is not set")


def read_plugin_config(path: Path, plugin: str) -> PluginConfig:
    """Read one plugin's YAML file; a missing file means the defaults."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return PluginConfig(name=plugin)
    except OSError as error:
        raise ConfigError(f"{path}: plugin {plugin}: cannot read: {error.strerror}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path}:{at}: plugin {plugin}: malformed YAML: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: plugin {plugin}: expected a mapping at the top, got {type(raw).__name__}")
    try:
        config = PluginConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(_describe(error, path, plugin)) from None
    if config.name is not None and config.name != plugin:
        raise ConfigError(f"{path}: plugin {plugin}: field 'name' says {config.name!r}")
    return config.model_copy(update={"name": plugin})


def validate_settings(model: type[SettingsT], raw: dict[str, Any], *, path: Path, plugin: str) -> SettingsT:
    """Interpolate and validate a plugin's ``config`` mapping against its settings model."""
    try:
        values = interpolate(raw, where=f"{path}: plugin {plugin}: config")
    except ConfigError:
        raise
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ConfigError(_describe(error, path, plugin, prefix="config")) from None


def _describe(error: ValidationError, path: Path, plugin: str, prefix: str = "") -> str:
    problems = []
    for item in error.errors(include_url=False):
        field = ".".join(str(part) for part in (prefix, *item["loc"]) if part != "")
        problems.append(f"field '{field or '(top)'}': {item['msg']}")
    return f"{path}: plugin {plugin}: " + "; ".join(problems)
