"""``panotti plugins ...``: list, inspect, configure and check installed plugins."""

from __future__ import annotations

import json
import os
from typing import Any

import click
from pydantic import BaseModel
from rich.table import Table

from .._errors import PluginError
from ..plugins import PluginRecord, PluginState, declared_handlers
from ._runtime import EXIT_PLUGIN_PROBLEMS, EXIT_USAGE, CliState, err, metadata_manager, out


@click.group()
def plugins() -> None:
    """Installed plugins: list, inspect, configure, check."""


def _row(record: PluginRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "distribution": record.found.distribution,
        "version": record.found.version,
        "state": record.label,
        "reason": record.reason,
        "config_file": str(record.config_file),
    }


def _print_table(records: list[PluginRecord]) -> None:
    """Name, distribution, version and state; reasons below, where long text reads at any width."""
    table = Table(box=None)
    for column in ("name", "distribution", "version", "state"):
        table.add_column(column, no_wrap=True)
    for record in records:
        label = record.label
        style = "green" if label in ("active", "ready") else "dim" if label == "disabled" else "red"
        table.add_row(record.name, record.found.distribution, record.found.version, f"[{style}]{label}[/]")
    out.print(table)
    for record in records:
        if record.reason:
            out.print(f"[bold]{record.name}[/]: {record.reason}", highlight=False)


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def list_plugins(state: CliState, as_json: bool) -> None:
    """Installed plugins and their state, read from metadata (no plugin code runs).

    A plugin that passes every check reads "active"; import errors and
    settings errors show up in `panotti plugins check`.
    """
    manager = metadata_manager(state.paths)
    records = manager.check()
    for record in records:
        if record.state is PluginState.READY:
            record.state = PluginState.ACTIVE
    if as_json:
        click.echo(json.dumps([_row(record) for record in records], indent=2))
        return
    if not records:
        out.print("no plugins installed; `pip install panotti-plugin-example` adds one")
        return
    _print_table(records)


@plugins.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def check_plugins(state: CliState, as_json: bool) -> None:
    """Import every enabled plugin and validate its config; exit 3 on any problem."""
    manager = metadata_manager(state.paths)
    records = manager.load()
    problems = manager.problems()
    if as_json:
        click.echo(json.dumps([_row(record) for record in records], indent=2))
    else:
        _print_table(records)
        if problems:
            err.print(f"[red]{len(problems)} plugin(s) have problems[/]")
        else:
            out.print("all plugins OK")
    if problems:
        raise SystemExit(EXIT_PLUGIN_PROBLEMS)


def _settings_schema(model: type[BaseModel]) -> list[dict[str, Any]]:
    rows = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        type_name = getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")
        constraints = [str(item) for item in field.metadata]
        rows.append(
            {
                "field": name,
                "type": type_name,
                "default": None
                if field.is_required()
                else _jsonable(field.get_default(call_default_factory=True)),
                "required": field.is_required(),
                "constraints": constraints,
                "description": field.description or "",
            }
        )
    return rows


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def plugin_info(state: CliState, name: str, as_json: bool) -> None:
    """Settings, effective config (secrets masked), subscriptions and hooks of one plugin."""
    manager = metadata_manager(state.paths)
    manager.load()
    try:
        record = manager.get(name)
    except PluginError as error:
        err.print(f"[red]{error}[/]")
        raise SystemExit(EXIT_USAGE) from None
    info: dict[str, Any] = {
        **_row(record),
        "description": record.found.manifest.description,
        "requires": record.found.manifest.requires,
        "after": record.found.manifest.after,
        "host_api": record.found.manifest.host_api,
    }
    plugin_class = record.plugin_class
    if plugin_class is not None:
        info["settings"] = _settings_schema(plugin_class.Settings)
        info["subscriptions"] = [
            {"handler": method, "event": spec.pattern_name}
            for method, spec in declared_handlers(plugin_class)
        ]
        info["hooks"] = sorted(hook.name for hook in manager.hooks.get_hookcallers(plugin_class) or [])
        info["status"] = {}
        for plugin_name, status in manager.call_hook("panotti_status"):
            if plugin_name == name and isinstance(status, dict):
                info["status"] = status
    if record.settings is not None:
        info["effective_config"] = record.settings.model_dump(mode="json")
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    out.print(f"[bold]{record.name}[/] {record.found.version} ({record.found.distribution}): {record.label}")
    for key in ("description", "reason", "config_file", "requires", "after", "host_api"):
        if info.get(key):
            out.print(f"  {key}: {info[key]}")
    if "settings" in info:
        table = Table(
            "field", "type", "default", "description", title="settings", box=None, title_justify="left"
        )
        for row in info["settings"]:
            default = "(required)" if row["required"] else json.dumps(row["default"])
            table.add_row(row["field"], row["type"], default, row["description"])
        out.print(table)
    if "effective_config" in info:
        out.print("effective config:")
        out.print_json(data=info["effective_config"])
    for key in ("subscriptions", "hooks"):
        if info.get(key):
            out.print(f"{key}:")
            for item in info[key]:
                out.print(
                    f"  {item['handler']} <- {item['event']}" if isinstance(item, dict) else f"  {item}"
                )
    if info.get("status"):
        out.print("status:")
        out.print_json(data=info["status"])


@plugins.command("init")
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@click.pass_obj
def init_plugin(state: CliState, name: str, force: bool) -> None:
    """Write the plugin's example config to <config dir>/plugins/NAME.yaml (mode 0600)."""
    manager = metadata_manager(state.paths)
    try:
        record = manager.get(name)
    except PluginError as error:
        err.print(f"[red]{error}[/]")
        raise SystemExit(EXIT_USAGE) from None
    example = record.found.example_config
    text = example.read_text(encoding="utf-8") if example else "enabled: true\nconfig: {}\n"
    target = record.config_file
    if target.exists() and not force:
        err.print(f"[red]{target} already exists[/]; pass --force to overwrite it")
        raise SystemExit(EXIT_USAGE)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    descriptor = os.open(target, flags, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    out.print(f"wrote {target}")
