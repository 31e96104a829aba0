"""The one door to the transactional store: SQLite or PostgreSQL.

Domain stores write plain SQL with ``:name`` parameters and call the few methods
of ``Database``; ``open_database`` picks the backend from the URL. Statements
run through the DB-API driver directly rather than an ORM session: the read path
of the API is a primary-key lookup, and every layer between the request and the
driver shows up in its throughput.

Connections are made per thread and used from the thread that made them. The
server calls the store inline from the event loop: a primary-key read takes
microseconds on SQLite and a loopback round trip on PostgreSQL, less than a hop
to a worker thread would cost.

Both backends give write transactions the same guarantee: they run one at a
time. SQLite does so by itself (``BEGIN IMMEDIATE`` takes the write lock); on
PostgreSQL every write transaction first takes one transaction-scoped advisory
lock, so the services' read-check-write steps stay correct across any number of
server processes while plain reads never wait. A single statement run outside
``transaction()`` commits on its own and takes no such lock: an atomic upsert
(a rate-limit counter) needs no more than the row it writes.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from journeyapi.errors import Conflict

Row = Mapping[str, Any]
Params = Mapping[str, Any]

# Any fixed number: every journeyapi process against one database agrees on it.
WRITE_LOCK_KEY = 0x6A6F75726E6579


# The most page cache one SQLite connection may hold.
SQLITE_CACHE_KIB = 64 * 1024


class UnsupportedDatabase(ValueError):
    pass


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql``; anything else is refused with a hint."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise UnsupportedDatabase(
            f"database URL {url!r} is not a URL; use sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE"
        ) from exc
    if backend not in ("sqlite", "postgresql"):
        raise UnsupportedDatabase(
            f"database URL {url!r} is not supported; use sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DATABASE"
        )
    return backend


def sqlite_path(url: str) -> str:
    """The file a ``sqlite:///PATH`` URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise UnsupportedDatabase(
            f"database URL {url!r} is not a SQLite URL; use sqlite:///PATH"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise UnsupportedDatabase(
            f"database URL {url!r} names no file; the server and its CLI share the "
            "database, so it must be a file (sqlite:///journeyapi.db)"
        )
    return parsed.database


def libpq_url(url: str) -> str:
    """The URL as the PostgreSQL driver takes it, without a SQLAlchemy driver tag."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def sqlalchemy_url(url: str) -> str:
    """The URL as SQLAlchemy (and so Alembic) takes it, naming the driver we ship."""
    if backend_of(url) == "postgresql":
        parsed = make_url(url).set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    return url


def check_url(url: str) -> None:
    """Refuse a URL no backend can open, before anything is started."""
    if backend_of(url) == "sqlite":
        sqlite_path(url)


def open_database(url: str) -> Database:
    if backend_of(url) == "postgresql":
        return PostgresDatabase(url)
    return SqliteDatabase(url)


class Database(ABC):
    """Connections per thread, plain SQL, and transactions that nest."""

    backend: str

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    @abstractmethod
    def _connect(self) -> Any: ...

    @abstractmethod
    def _begin(self, connection: Any) -> None: ...

    @abstractmethod
    def _run(self, connection: Any, sql: str, params: Params) -> Any:
        """Execute one statement and answer the driver's cursor."""

    @abstractmethod
    def _run_many(self, connection: Any, sql: str, rows: Sequence[Params]) -> None: ...

    @abstractmethod
    def _translate(self, exc: Exception) -> Exception | None:
        """Our error for a driver error that means something to a caller."""

    @abstractmethod
    def stage(
        self, table: str, columns: Mapping[str, str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Fill the temporary table ``table`` of this connection with ``rows``.

        ``columns`` maps each column to its SQL type (``TEXT``, ``BIGINT``).
        The table is made on first use and emptied before it is filled, so set
        statements can then join many rows against the real tables at once,
        rather than one statement being sent per row.
        """

    def _usable(self, connection: Any) -> bool:
        return True

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        # A broken connection (the server restarted) outside a transaction is
        # replaced; inside one, the error stands.
        if (
            connection is not None
            and not self._usable(connection)
            and not getattr(self._local, "depth", 0)
        ):
            self._forget(connection)
            connection = None
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
            self._local.depth = 0
            with self._lock:
                self._all.append(connection)
        return connection

    def _forget(self, connection: Any) -> None:
        with self._lock:
            if connection in self._all:
                self._all.remove(connection)
        # It is broken already; closing it only frees what is left.
        with suppress(Exception):
            connection.close()
        self._local.connection = None

    def _cursor(self, sql: str, params: Params | None) -> Any:
        try:
            return self._run(self._connection(), sql, params or {})
        except Exception as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from exc

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        row: Row | None = self._cursor(sql, params).fetchone()
        return row

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return list(self._cursor(sql, params).fetchall())

    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a write; answers how many rows it touched."""
        return int(self._cursor(sql, params).rowcount)

    def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        try:
            self._run_many(self._connection(), sql, rows)
        except Exception as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All the writes inside commit together or not at all.

        Nested uses join the outer transaction. Write transactions run one at a
        time (see the module docstring), and the lock is taken at the start, so
        a transaction never fails half-way on a lock another one holds.
        """
        connection = self._connection()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return

        self._begin(connection)
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


class SqliteDatabase(Database):
    """One SQLite file in WAL mode: the embedded default."""

    backend = "sqlite"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.path = sqlite_path(url)

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
        # Pages are allocated only as they are used, so this costs nothing
        # until a bulk write touches B-tree pages all over (an import recording
        # hundreds of thousands of customers), which the default 2 MiB cache
        # would re-read from the file again and again.
        connection.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        connection.execute("PRAGMA temp_store=MEMORY")
        return connection

    def _begin(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")

    def _run(self, connection: sqlite3.Connection, sql: str, params: Params) -> Any:
        return connection.execute(sql, params)

    def _run_many(
        self, connection: sqlite3.Connection, sql: str, rows: Sequence[Params]
    ) -> None:
        connection.executemany(sql, rows)

    def stage(
        self, table: str, columns: Mapping[str, str], rows: Iterable[Sequence[Any]]
    ) -> None:
        connection = self._connection()
        declared = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        connection.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({declared})")
        connection.execute(f"DELETE FROM {table}")
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def _translate(self, exc: Exception) -> Exception | None:
        # The driver's text names tables and columns; none of it reaches a caller.
        if isinstance(exc, sqlite3.IntegrityError) and (
            "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc)
        ):
            return Conflict()
        return None


class PostgresDatabase(Database):
    """PostgreSQL through psycopg 3, one autocommit connection per thread."""

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._dsn = libpq_url(url)

    def _connect(self) -> Any:
        import psycopg
        from psycopg.rows import dict_row

        return psycopg.connect(self._dsn, autocommit=True, row_factory=dict_row)

    def _usable(self, connection: Any) -> bool:
        return not connection.broken and not connection.closed

    def _begin(self, connection: Any) -> None:
        connection.execute("BEGIN")
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def _run(self, connection: Any, sql: str, params: Params) -> Any:
        return connection.execute(pyformat(sql), params, prepare=True)

    def _run_many(self, connection: Any, sql: str, rows: Sequence[Params]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(pyformat(sql), rows)

    def stage(
        self, table: str, columns: Mapping[str, str], rows: Iterable[Sequence[Any]]
    ) -> None:
        connection = self._connection()
        declared = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({declared})")
            cursor.execute(f"TRUNCATE {table}")
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # Temporary tables are never analysed on their own: without this
            # the planner guesses their size and may scan a real table per row.
            cursor.execute(f"ANALYZE {table}")

    def _translate(self, exc: Exception) -> Exception | None:
        import psycopg

        if isinstance(exc, psycopg.errors.UniqueViolation):
            return Conflict()
        return None


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@lru_cache(maxsize=1024)
def pyformat(sql: str) -> str:
    """``:name`` placeholders in the driver's ``%(name)s`` form.

    A literal ``%`` is doubled so the driver reads it as itself, and ``::``
    casts are left alone.
    """
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
