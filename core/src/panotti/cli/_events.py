"""``panotti events ...``: list, show, replay and prune stored events."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from rich.table import Table

from ..events import DeliveryStatus, EventFilter
from ._runtime import EXIT_OK, EXIT_USAGE, CliState, err, opened_store, out, running_plugins

_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time, or an age such as ``30m``, ``12h``, ``7d`` (meaning that long ago)."""
    if value is None:
        return None
    match = _AGE.match(value)
    if match:
        return datetime.now(UTC) - timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither an ISO time nor an age like 7d") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def filter_options(function: Any) -> Any:
    """The options that select stored events."""
    options = [
        click.option("--name", "name_pattern", help="Event name or glob, e.g. 'recording.*'."),
        click.option("--correlation", "correlation_id", help="Correlation id (one recording's work)."),
        click.option("--since", help="ISO time or age (30m, 12h, 7d)."),
        click.option("--until", help="ISO time or age."),
        click.option(
            "--status",
            type=click.Choice([status.value for status in DeliveryStatus]),
            help="Events with at least one delivery in this status.",
        ),
        click.option("--limit", type=click.IntRange(min=1), help="At most this many events."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def build_filter(
    name_pattern: str | None,
    correlation_id: str | None,
    since: str | None,
    until: str | None,
    status: str | None,
    limit: int | None,
) -> EventFilter:
    """The filter the options describe."""
    return EventFilter(
        name_pattern=name_pattern,
        correlation_id=correlation_id,
        since=parse_time(since),
        until=parse_time(until),
        status=DeliveryStatus(status) if status else None,
        limit=limit,
    )


@click.group()
def events() -> None:
    """Stored events: list, show, replay, prune."""


@events.command("list")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_obj
def list_events(state: CliState, /, as_json: bool, **options: Any) -> None:
    """Stored events, oldest first, with how their deliveries stand."""
    event_filter = build_filter(**options)

    async def run() -> list[tuple[Any, list[Any]]]:
        async with opened_store(state.paths) as store:
            found = await store.query(event_filter)
            return [(event, await store.deliveries(event.id)) for event in found]

    rows = asyncio.run(run())
    if as_json:
        for event, deliveries in rows:
            record = event.model_dump(mode="json")
            record["deliveries"] = [
                {"subscriber": d.subscriber, "status": d.status.value} for d in deliveries
            ]
            click.echo(json.dumps(record))
        return
    table = Table(box=None)
    for column in ("time (UTC)", "id", "name", "source"):
        table.add_column(column, no_wrap=True)
    table.add_column("deliveries", overflow="fold")
    for event, deliveries in rows:
        counts: dict[str, int] = {}
        for delivery in deliveries:
            counts[delivery.status.value] = counts.get(delivery.status.value, 0) + 1
        summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items())) or "-"
        table.add_row(
            event.context.timestamp.strftime("%m-%d %H:%M:%S"),
            event.id[:12],
            event.name,
            event.context.source_plugin or "host",
            summary,
        )
    out.print(table)
    out.print("ids are shortened: `panotti events show` takes any unique prefix; --json has them whole")


@events.command("show")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show_event(state: CliState, event_id: str, as_json: bool) -> None:
    """One event with its delivery rows (EVENT_ID may be any unique prefix)."""

    async def run() -> tuple[Any, list[Any], list[str]]:
        async with opened_store(state.paths) as store:
            matches = [event_id] if await store.get(event_id) else await store.ids_starting_with(event_id)
            if len(matches) != 1:
                return None, [], matches
            return await store.get(matches[0]), await store.deliveries(matches[0]), matches

    event, deliveries, matches = asyncio.run(run())
    if event is None:
        problem = "is ambiguous" if matches else "matches no event"
        err.print(f"[red]id {event_id!r} {problem} in {state.paths.event_store}[/]")
        raise SystemExit(EXIT_USAGE)
    record = event.model_dump(mode="json")
    record["deliveries"] = [
        {
            "subscriber": d.subscriber,
            "status": d.status.value,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "updated_at": d.updated_at.isoformat() if d.updated_at else None,
        }
        for d in deliveries
    ]
    if as_json:
        click.echo(json.dumps(record, indent=2))
    else:
        out.print_json(data=record)


@events.command("replay")
@filter_options
@click.option("--subscriber", help="Deliver only to this subscriber id (see `events show`).")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds to wait for the work.")
@click.pass_obj
def replay_events(state: CliState, /, subscriber: str | None, timeout: float, **options: Any) -> None:
    """Deliver matching stored events again to the running plugins, and wait for the work."""
    event_filter = build_filter(**options)
    if not any(
        [event_filter.name_pattern, event_filter.correlation_id, event_filter.since, event_filter.status]
    ):
        err.print("[red]give at least one of --name, --correlation, --since or --status[/]")
        raise SystemExit(EXIT_USAGE)

    async def run() -> int:
        async with running_plugins(state.paths) as manager:
            count = await manager.bus.replay(event_filter, subscriber)
            await manager.bus.drain(timeout)
            return count

    count = asyncio.run(run())
    out.print(f"replayed {count} deliveries")
    raise SystemExit(EXIT_OK)


@events.command("prune")
@click.option("--older-than", "days", type=click.FloatRange(min=0), required=True, help="Age in days.")
@click.pass_obj
def prune_events(state: CliState, days: float) -> None:
    """Delete finished events older than N days (pending and dead ones are kept)."""

    async def run() -> int:
        async with opened_store(state.paths) as store:
            return await store.prune(datetime.now(UTC) - timedelta(days=days))

    out.print(f"pruned {asyncio.run(run())} events")
