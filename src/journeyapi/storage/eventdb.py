"""The embedded journey event store: one DuckDB file beside the SQLite one.

DuckDB answers the aggregate queries over millions of events in a fraction of
the time a row store takes, but a DuckDB file opens read-write in one process
only. The file is therefore opened on first use, not at start-up, so that CLI
commands which never touch events can run beside a server; and a file held by
another process is reported as a domain error that says what to do.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from journeyapi.analytics.errors import AggregateQueryTimedOut
from journeyapi.errors import ApiError


class EventStoreBusy(ApiError):
    """The event store file is held by another process (DuckDB locks it)."""

    status = 503
    code = "service.unavailable"
    template = (
        "The journey event store {path} is in use by another process ({holder}). "
        "A DuckDB file opens read-write in one process only: stop the running "
        "journeyapi server first, or send the events to that server with "
        "POST /api/v2/journey/events."
    )


class EventStoreUnreadable(ApiError):
    """The event store path holds something DuckDB cannot open as a database."""

    status = 503
    code = "service.unavailable"
    template = (
        "The journey event store {path} cannot be opened: {reason}. Point"
        " JOURNEYAPI_EVENTS_DATABASE (or --events-database) at a DuckDB file"
        " journeyapi made, or at a path where it may make one."
    )


# Extensions are never fetched: the server may have no network, and a file that
# is not DuckDB's own (a SQLite file given by mistake) must not be read at all.
# JSON, ICU (time zones) and the core functions are built in.
NO_EXTENSIONS = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def events_path_for(sqlite_file: str) -> str:
    """``journeyapi.db`` -> ``journeyapi.events.duckdb``, in the same folder."""
    path = Path(sqlite_file)
    return str(path.with_name(f"{path.stem}.events.duckdb"))


class EventDatabase:
    def __init__(self, path: str, threads: int = 1, schema: str = "") -> None:
        self.path = path
        self.threads = threads
        self._schema = schema
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._open_lock = threading.Lock()
        # One writer at a time; readers use their own cursors and do not wait.
        self.write_lock = threading.Lock()

    def connection(self) -> duckdb.DuckDBPyConnection:
        with self._open_lock:
            if self._connection is None:
                self._connection = self._connect()
            return self._connection

    def _connect(self) -> duckdb.DuckDBPyConnection:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        if not _duckdb_file_or_none(Path(self.path)):
            raise EventStoreUnreadable(
                {"path": self.path, "reason": "it is not a DuckDB database file"}
            )
        try:
            connection = duckdb.connect(
                self.path, config={"threads": self.threads, **NO_EXTENSIONS}
            )
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise EventStoreUnreadable(
                    {"path": self.path, "reason": _unreadable(str(exc))}
                ) from None
            # "Conflicting lock is held in /usr/bin/python3 (PID 12132) by ..."
            found = re.search(r"held in (.+?\(PID \d+\))", str(exc))
            holder = found.group(1) if found else ""
            raise EventStoreBusy(
                {"path": self.path, "holder": holder or "unknown"}
            ) from None
        if self._schema:
            connection.execute(self._schema)
        return connection

    @contextmanager
    def cursor(
        self, timeout_seconds: float | None = None
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of this thread's own to the same database.

        With a timeout, a statement still running when it passes is interrupted
        inside DuckDB (the query stops; it is not left running unseen) and
        ``AggregateQueryTimedOut`` is raised.
        """
        cursor = self.connection().cursor()
        timer = None
        if timeout_seconds is not None:
            timer = threading.Timer(timeout_seconds, cursor.interrupt)
            timer.daemon = True
            timer.start()
        try:
            yield cursor
        except duckdb.InterruptException:
            if timeout_seconds is None:
                raise
            raise AggregateQueryTimedOut(timeout_seconds) from None
        finally:
            if timer is not None:
                timer.cancel()
            cursor.close()

    def close(self) -> None:
        with self._open_lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


# Where every DuckDB database file says what it is, after its checksum.
_MAGIC_AT, _MAGIC = 8, b"DUCK"


def _duckdb_file_or_none(path: Path) -> bool:
    """Whether ``path`` is a DuckDB database file, or nothing yet (to be made).

    DuckDB opens a CSV, JSON or Parquet file given as a database as an
    in-memory database over it: every event written would be lost on close.
    """
    try:
        with path.open("rb") as file:
            head = file.read(_MAGIC_AT + len(_MAGIC))
    except FileNotFoundError:
        return True
    except IsADirectoryError:
        return False
    return head[_MAGIC_AT:] == _MAGIC


def _unreadable(message: str) -> str:
    # A file without DuckDB's header never gets here; one with it may still be
    # damaged past it.
    if "not a valid DuckDB database" in message:
        return "it is not a DuckDB database file"
    return message.removeprefix("IO Error: ").rstrip(".!")
