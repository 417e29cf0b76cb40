"""The ``panotti`` command line."""

from __future__ import annotations

import logging
from typing import Any

import click

from ..plugins import Paths
from ._events import events
from ._plugins import plugins
from ._process import process
from ._runtime import CliState, configure_logging, err, metadata_manager

logger = logging.getLogger("panotti.cli")


class PanottiGroup(click.Group):
    """Built-in commands first; plugin commands are loaded only when asked for."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        cached: dict[str, click.Command] | None = ctx.meta.get("panotti.plugin_commands")
        if cached is not None:
            return cached
        commands: dict[str, click.Command] = {}
        state = ctx.find_object(CliState)
        paths = state.paths if state else Paths.resolve()
        manager = metadata_manager(paths)
        manager.load()
        for plugin_name, contributed in manager.call_hook("panotti_cli_commands"):
            for command in contributed or []:
                if not isinstance(command, click.Command) or not command.name:
                    logger.warning(
                        "plugin %s: ignored a CLI command that is not a click command", plugin_name
                    )
                elif command.name in self.commands or command.name in commands:
                    logger.warning("plugin %s: command %r is already taken", plugin_name, command.name)
                else:
                    commands[command.name] = command
        ctx.meta["panotti.plugin_commands"] = commands
        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*self.commands, *self._plugin_commands(ctx)])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self.commands.get(cmd_name) or self._plugin_commands(ctx).get(cmd_name)


@click.group(cls=PanottiGroup)
@click.option(
    "--config-dir",
    type=click.Path(file_okay=False),
    envvar="PANOTTI_CONFIG_DIR",
    help="Configuration folder (default: your user config folder).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="PANOTTI_DATA_DIR",
    help="Data folder: event store and plugin outputs (default: your user data folder).",
)
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option(package_name="panotti")
@click.pass_context
def cli(ctx: click.Context, config_dir: str | None, data_dir: str | None, verbose: int) -> None:
    """Panotti: turn meeting recordings into clean audio, transcripts and notes."""
    configure_logging(verbose)
    ctx.obj = CliState(Paths.resolve(config_dir, data_dir), verbose)


cli.add_command(plugins)
cli.add_command(events)
cli.add_command(process)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``panotti`` script."""
    try:
        return cli.main(args=argv, prog_name="panotti")
    except KeyboardInterrupt:
        err.print("interrupted; unfinished work stays pending and resumes on the next run")
        raise SystemExit(130) from None
