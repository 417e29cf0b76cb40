"""The embedded durable store: one SQLite file in WAL mode, written by one thread.

Every operation goes through a single database thread. The thread takes
whatever operations have queued up and runs them in one transaction, so that
many concurrent ``publish`` calls share one commit (group commit) while each
caller still returns only after its own event is on disk.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._errors import StoreError
from ._model import Event
from ._store import Delivery, DeliveryStatus, EventFilter, EventStore, PendingDelivery

logger = logging.getLogger("panotti.events.sqlite")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    priority INTEGER NOT NULL,
    created_at REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_correlation ON events (correlation_id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (created_at);
CREATE TABLE IF NOT EXISTS deliveries (
    event_id TEXT NOT NULL,
    subscriber TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (event_id, subscriber)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status);
"""

_MAX_BATCH = 5000
_Operation = Callable[[sqlite3.Connection], Any]


class _Request:
    """Run ``operation``; ``writes`` ones share the transaction of their batch."""

    __slots__ = ("future", "operation", "writes")

    def __init__(self, operation: _Operation, future: asyncio.Future[Any] | None, writes: bool) -> None:
        self.operation = operation
        self.future = future
        self.writes = writes


class _Append:
    """Insert one event and its delivery rows (batched with other appends)."""

    __slots__ = ("delivery_rows", "event_row", "future")

    def __init__(
        self,
        event_row: tuple[Any, ...],
        delivery_rows: list[tuple[Any, ...]],
        future: asyncio.Future[Any],
    ) -> None:
        self.event_row = event_row
        self.delivery_rows = delivery_rows
        self.future = future


_INSERT_EVENT = (
    "INSERT INTO events (id, name, correlation_id, priority, created_at, body) VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_DELIVERY = (
    "INSERT INTO deliveries (event_id, subscriber, status, updated_at) VALUES (?, ?, 'pending', ?)"
)
_UPDATE_STATUS = (
    "UPDATE deliveries SET status = ?, attempts = ?, last_error = COALESCE(?, last_error),"
    " updated_at = ? WHERE event_id = ? AND subscriber = ?"
)
_Outcome = tuple[asyncio.Future[Any] | None, Any, BaseException | None]


class SQLiteStore(EventStore):
    """Durable store in one SQLite file (WAL journal).

    ``synchronous`` is SQLite's setting: ``"NORMAL"`` (default) survives a
    killed process; ``"FULL"`` also survives a power loss, at some cost.
    """

    def __init__(self, path: str | Path, *, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        self._synchronous = synchronous.upper()
        if self._synchronous not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self._requests: queue.SimpleQueue[_Request | _Append | tuple[Any, ...] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- lifecycle -------------------------------------------------------

    async def open(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder of event store {self.path}: {error}") from error
        ready: asyncio.Future[None] = self._loop.create_future()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="panotti-sqlite", daemon=True)
        self._thread.start()
        await ready

    async def close(self) -> None:
        if self._thread is None:
            return
        await self.flush()
        self._requests.put(None)
        thread, self._thread = self._thread, None
        await asyncio.to_thread(thread.join)

    # -- the database thread --------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={self._synchronous}")
        connection.execute("PRAGMA busy_timeout=5000")
        connection.executescript(_SCHEMA)
        return connection

    def _run(self, ready: asyncio.Future[None]) -> None:
        assert self._loop is not None
        try:
            connection = self._connect()
        except sqlite3.Error as error:
            failure = StoreError(f"cannot open event store {self.path}: {error}")
            opened: list[_Outcome] = [(ready, None, failure)]
            self._loop.call_soon_threadsafe(_settle, opened)
            return
        opened = [(ready, None, None)]
        self._loop.call_soon_threadsafe(_settle, opened)
        try:
            while True:
                first = self._requests.get()
                if first is None:
                    return
                batch = [first]
                stop = False
                while len(batch) < _MAX_BATCH:
                    try:
                        following = self._requests.get_nowait()
                    except queue.Empty:
                        break
                    if following is None:
                        stop = True
                        break
                    batch.append(following)
                self._execute(connection, batch)
                if stop:
                    return
        finally:
            connection.close()

    def _execute(
        self, connection: sqlite3.Connection, batch: list[_Request | _Append | tuple[Any, ...]]
    ) -> None:
        """Run one batch: appends and status updates with executemany, in one transaction."""
        appends = [item for item in batch if isinstance(item, _Append)]
        statuses = [item for item in batch if isinstance(item, tuple)]
        requests = [item for item in batch if isinstance(item, _Request)]
        outcomes: list[_Outcome] = []
        try:
            connection.execute("BEGIN IMMEDIATE")
            if appends:
                outcomes.extend(self._insert(connection, appends))
            if statuses:
                connection.executemany(_UPDATE_STATUS, statuses)
            for request in requests:
                if not request.writes:
                    connection.execute("COMMIT")
                    connection.execute("BEGIN IMMEDIATE")
                try:
                    outcomes.append((request.future, request.operation(connection), None))
                except sqlite3.IntegrityError as error:
                    outcomes.append((request.future, None, StoreError(str(error))))
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            logger.error("event store %s: write failed: %s", self.path, error)
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            failure = StoreError(f"event store {self.path}: {error}")
            futures = [item.future for item in appends] + [item.future for item in requests]
            outcomes = [(future, None, failure) for future in futures]
        assert self._loop is not None
        waiting = [outcome for outcome in outcomes if outcome[0] is not None]
        if waiting:
            self._loop.call_soon_threadsafe(_settle, waiting)

    @staticmethod
    def _insert(connection: sqlite3.Connection, appends: list[_Append]) -> list[_Outcome]:
        connection.execute("SAVEPOINT appends")
        try:
            connection.executemany(_INSERT_EVENT, [item.event_row for item in appends])
            connection.executemany(_INSERT_DELIVERY, [row for item in appends for row in item.delivery_rows])
        except sqlite3.IntegrityError:
            connection.execute("ROLLBACK TO appends")
        else:
            connection.execute("RELEASE appends")
            return [(item.future, None, None) for item in appends]
        # A duplicate in the batch: insert one by one so only the culprit fails.
        outcomes: list[_Outcome] = []
        for item in appends:
            try:
                connection.execute(_INSERT_EVENT, item.event_row)
                connection.executemany(_INSERT_DELIVERY, item.delivery_rows)
            except sqlite3.IntegrityError as error:
                message = f"event {item.event_row[0]} is already stored ({error})"
                outcomes.append((item.future, None, StoreError(message)))
            else:
                outcomes.append((item.future, None, None))
        connection.execute("RELEASE appends")
        return outcomes

    def _submit(self, operation: _Operation, *, writes: bool) -> asyncio.Future[Any]:
        if self._thread is None or self._loop is None:
            raise StoreError(f"event store {self.path} is not open")
        future: asyncio.Future[Any] = self._loop.create_future()
        self._requests.put(_Request(operation, future, writes))
        return future

    # -- writes ------------------------------------------------------------

    async def append(self, event: Event[Any], subscribers: Sequence[str]) -> None:
        if self._thread is None or self._loop is None:
            raise StoreError(f"event store {self.path} is not open")
        created = event.context.timestamp.timestamp()
        event_row = (
            event.id,
            event.name,
            event.correlation_id,
            int(event.priority),
            created,
            event.model_dump_json(),
        )
        now = time.time()
        future: asyncio.Future[None] = self._loop.create_future()
        self._requests.put(_Append(event_row, [(event.id, name, now) for name in subscribers], future))
        await future

    async def reset_deliveries(self, event_id: str, subscribers: Sequence[str]) -> None:
        now = time.time()
        rows = [(event_id, name, now) for name in subscribers]

        def upsert(connection: sqlite3.Connection) -> None:
            connection.executemany(
                "INSERT INTO deliveries (event_id, subscriber, status, attempts, updated_at)"
                " VALUES (?, ?, 'pending', 0, ?) ON CONFLICT (event_id, subscriber) DO UPDATE"
                " SET status = 'pending', attempts = 0, last_error = NULL,"
                " updated_at = excluded.updated_at",
                rows,
            )

        await self._submit(upsert, writes=True)

    def _set_status(
        self, event_id: str, subscriber: str, status: DeliveryStatus, attempts: int, error: str | None
    ) -> None:
        if self._thread is None:
            raise StoreError(f"event store {self.path} is not open")
        self._requests.put((status.value, attempts, error, time.time(), event_id, subscriber))

    def record_attempt(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        self._set_status(event_id, subscriber, DeliveryStatus.PENDING, attempts, error)

    def mark_delivered(self, event_id: str, subscriber: str, attempts: int) -> None:
        self._set_status(event_id, subscriber, DeliveryStatus.DELIVERED, attempts, None)

    def mark_dead(self, event_id: str, subscriber: str, attempts: int, error: str) -> None:
        self._set_status(event_id, subscriber, DeliveryStatus.DEAD, attempts, error)

    async def flush(self) -> None:
        if self._thread is not None:
            await self._submit(lambda connection: None, writes=True)

    async def prune(self, older_than: datetime) -> int:
        cutoff = older_than.timestamp()

        def delete(connection: sqlite3.Connection) -> int:
            doomed = (
                " FROM events WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.event_id = events.id AND d.status != 'delivered')"
            )
            connection.execute(f"DELETE FROM deliveries WHERE event_id IN (SELECT id{doomed})", (cutoff,))
            return connection.execute(f"DELETE{doomed}", (cutoff,)).rowcount

        result: int = await self._submit(delete, writes=True)
        return result

    # -- reads -------------------------------------------------------------

    async def _read(self, operation: _Operation) -> Any:
        return await self._submit(operation, writes=False)

    async def pending(self) -> list[PendingDelivery]:
        rows = await self._read(
            lambda connection: connection.execute(
                "SELECT e.body, d.subscriber, d.attempts FROM deliveries d"
                " JOIN events e ON e.id = d.event_id WHERE d.status = 'pending'"
                " ORDER BY e.priority DESC, e.created_at, e.id, d.subscriber"
            ).fetchall()
        )
        return [
            PendingDelivery(Event.model_validate_json(body), subscriber, attempts)
            for body, subscriber, attempts in rows
        ]

    async def get(self, event_id: str) -> Event[Any] | None:
        row = await self._read(
            lambda connection: connection.execute(
                "SELECT body FROM events WHERE id = ?", (event_id,)
            ).fetchone()
        )
        return None if row is None else Event.model_validate_json(row[0])

    async def ids_starting_with(self, prefix: str, limit: int = 2) -> list[str]:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._read(
            lambda connection: connection.execute(
                "SELECT id FROM events WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?", (pattern, limit)
            ).fetchall()
        )
        return [event_id for (event_id,) in rows]

    async def deliveries(self, event_id: str) -> list[Delivery]:
        rows = await self._read(
            lambda connection: connection.execute(
                "SELECT subscriber, status, attempts, last_error, updated_at FROM deliveries"
                " WHERE event_id = ? ORDER BY subscriber",
                (event_id,),
            ).fetchall()
        )
        return [
            Delivery(
                event_id,
                subscriber,
                DeliveryStatus(status),
                attempts,
                last_error,
                datetime.fromtimestamp(updated_at, UTC),
            )
            for subscriber, status, attempts, last_error, updated_at in rows
        ]

    async def query(self, event_filter: EventFilter) -> list[Event[Any]]:
        clauses: list[str] = []
        values: list[Any] = []
        if event_filter.name_pattern:
            clauses.append("name GLOB ?")
            values.append(event_filter.name_pattern)
        if event_filter.correlation_id:
            clauses.append("correlation_id = ?")
            values.append(event_filter.correlation_id)
        if event_filter.since:
            clauses.append("created_at >= ?")
            values.append(event_filter.since.timestamp())
        if event_filter.until:
            clauses.append("created_at <= ?")
            values.append(event_filter.until.timestamp())
        if event_filter.status:
            clauses.append(
                "EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.status = ?)"
            )
            values.append(event_filter.status.value)
        sql = "SELECT body FROM events"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY created_at, id"
        if event_filter.limit:
            sql += " LIMIT ?"
            values.append(event_filter.limit)
        rows = await self._read(lambda connection: connection.execute(sql, values).fetchall())
        return [Event.model_validate_json(body) for (body,) in rows]


def _settle(outcomes: list[_Outcome]) -> None:
    for future, result, error in outcomes:
        if future is None or future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
