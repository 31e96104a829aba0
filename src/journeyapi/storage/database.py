"""The one door to the transactional store.

Domain stores write plain SQL with ``:name`` parameters, which SQLite and (through
the dialect's compiler) PostgreSQL both understand, and call the few methods below.
Statements run through the DB-API driver directly rather than an ORM session: the
read path of the API is a primary-key lookup, and every layer between the request
and the driver shows up in its throughput.

SQLite connections are made per thread and used from the thread that made them.
The server calls the store inline from the event loop: a primary-key read in WAL
mode takes microseconds, far less than a hop to a worker thread would.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from journeyapi.errors import Conflict

Row = Mapping[str, Any]
Params = Mapping[str, Any]


class UnsupportedDatabase(ValueError):
    pass


def sqlite_path(url: str) -> str:
    """The file a ``sqlite:///PATH`` URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise UnsupportedDatabase(
            f"database URL {url!r} is not supported; use sqlite:///PATH"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise UnsupportedDatabase(
            f"database URL {url!r} names no file; the server and its CLI share the "
            "database, so it must be a file (sqlite:///journeyapi.db)"
        )
    return parsed.database


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            self._local.depth = 0
            with self._lock:
                self._all.append(connection)
        return connection

    def _connect(self) -> sqlite3.Connection:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: single statements commit on their own, and
        # transaction() opens explicit ones. Each connection is used only by
        # the thread that made it, but close() may run on another one (the
        # thread that shuts the app down), which the driver refuses unless
        # told not to check.
        connection = sqlite3.connect(
            self.path, isolation_level=None, timeout=10.0, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        cursor = self._connection().execute(sql, params or {})
        row: Row | None = cursor.fetchone()
        return row

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return list(self._connection().execute(sql, params or {}).fetchall())

    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a write; answers how many rows it touched."""
        try:
            cursor = self._connection().execute(sql, params or {})
        except sqlite3.IntegrityError as exc:
            raise _translate_integrity_error(exc) from exc
        return cursor.rowcount

    def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        try:
            self._connection().executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise _translate_integrity_error(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All the writes inside commit together or not at all.

        Nested uses join the outer transaction. The write lock is taken at the
        start (BEGIN IMMEDIATE), so a transaction never fails half-way on a
        lock held by another process.
        """
        connection = self._connection()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return

        connection.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        else:
            connection.execute("COMMIT")
        finally:
            self._local.depth = 0

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()


def _translate_integrity_error(exc: sqlite3.IntegrityError) -> Exception:
    # The driver's text names tables and columns; none of it reaches a caller.
    if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
        return Conflict()
    return exc
