"""The journey event store on PostgreSQL, for servers that share one database.

In production every server process sees the same events, so they live in the
PostgreSQL database that holds the transactional data, in one table of their own.
The table is the event store's, not the migrations': it is created on first use,
as the embedded DuckDB store creates its own.

The aggregate SQL is the compiler's; this module only spells it for PostgreSQL.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv

from journeyapi.analytics.catalogue import DIMENSIONS
from journeyapi.analytics.compiler import NUMBER_PATTERN
from journeyapi.analytics.errors import AggregateQueryTimedOut
from journeyapi.analytics.events import COLUMNS, TABLE, Store, new_of
from journeyapi.storage.database import libpq_url

# Any fixed number: every process agrees on it, and it differs from the store's.
SCHEMA_LOCK_KEY = 0x6A6576656E7473

_DIMENSION_COLUMNS = ",\n    ".join(
    f"{d.column} {'text[]' if d.multivalued else 'text'}" for d in DIMENSIONS.values()
)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id text PRIMARY KEY,
    event_type text NOT NULL,
    event_time timestamp NOT NULL,
    session_id text,
    {_DIMENSION_COLUMNS}
);
CREATE INDEX IF NOT EXISTS ix_{TABLE}_time_type ON {TABLE} (event_time, event_type)
"""

# A batch is copied here first; the instant comes as epoch microseconds, as it
# does for every store.
_STAGE = (
    "CREATE TEMPORARY TABLE incoming_events (id text, event_type text,"
    " event_time bigint, session_id text, "
    + ", ".join(
        f"{d.column} {'text[]' if d.multivalued else 'text'}"
        for d in DIMENSIONS.values()
    )
    + ") ON COMMIT DROP"
)

# The incoming rows carry the instant as epoch microseconds, as every store's
# rows do; this turns them into a timestamp without a float in between.
_FROM_STAGE = ", ".join(
    "TIMESTAMP 'epoch' + event_time * INTERVAL '1 microsecond'"
    if column == "event_time"
    else column
    for column in COLUMNS
)


class PostgresDialect:
    """How the compiler's statement is spelled for PostgreSQL."""

    def placeholder(self) -> str:
        return "%s"

    def timestamp(self, instant: datetime) -> str:
        utc = instant.astimezone(UTC).replace(tzinfo=None)
        return f"TIMESTAMP '{utc.isoformat(sep=' ')}'"

    def epoch_microseconds(self, expression: str) -> str:
        # extract() answers an exact numeric on PostgreSQL 14 and newer.
        return f"(extract(epoch FROM {expression}) * 1000000)::bigint"

    def divide(self, numerator: str, denominator: str) -> str:
        # Both sides are bigint and the numerator is never negative here, so
        # the integer division truncates exactly as a floor would.
        return f"(({numerator}) / ({denominator}))"

    def as_number(self, expression: str) -> str:
        return (
            f"CASE WHEN {expression} ~ '^(?:{NUMBER_PATTERN})$'"
            f" THEN CAST({expression} AS double precision) END"
        )

    def has_values(self, column: str) -> str:
        return f"coalesce(cardinality({column}), 0) > 0"

    def list_contains(self, column: str, placeholder: str) -> str:
        return f"{placeholder} = ANY({column})"

    def list_any(self, column: str, variable: str, condition: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM unnest({column}) AS u({variable})"
            f" WHERE {condition})"
        )

    def unnest_or_null(self, column: str) -> str:
        return (
            f"unnest(CASE WHEN cardinality({column}) > 0 THEN {column}"
            " ELSE ARRAY[NULL]::text[] END)"
        )

    def joined(self, column: str) -> str:
        return (
            f"CASE WHEN cardinality({column}) > 0"
            f" THEN array_to_string({column}, ',') END"
        )

    def count_where(self, condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"


_TIME_INDEX = COLUMNS.index("event_time")
_SEGMENTS_INDEX = COLUMNS.index("journey_session_segment_id")


class PostgresEventDatabase:
    """Connections of the event store, one per thread, rows as plain tuples."""

    def __init__(self, url: str) -> None:
        self._dsn = libpq_url(url)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._ready = False
        # The server writes from one thread at a time, as on DuckDB; across
        # processes the primary key keeps every event once.
        self.write_lock = threading.Lock()

    def connection(self) -> Any:
        import psycopg

        connection = getattr(self._local, "connection", None)
        if connection is None or connection.broken or connection.closed:
            connection = psycopg.connect(self._dsn, autocommit=True)
            self._local.connection = connection
            with self._lock:
                self._all.append(connection)
        if not self._ready:
            self._create_schema(connection)
        return connection

    def _create_schema(self, connection: Any) -> None:
        # Two processes creating the same table at once would collide in the
        # catalogue; the lock makes the second find it made.
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            connection.execute(SCHEMA)
        self._ready = True

    @contextmanager
    def cursor(self, timeout_seconds: float | None = None) -> Iterator[Any]:
        """A cursor of this thread's connection.

        With a timeout the statement runs in a transaction of its own whose
        ``statement_timeout`` PostgreSQL enforces itself: past it the server
        cancels the statement, and ``AggregateQueryTimedOut`` is raised.
        """
        import psycopg

        connection = self.connection()
        if timeout_seconds is None:
            with connection.cursor() as cursor:
                yield cursor
            return

        milliseconds = max(1, round(timeout_seconds * 1000))
        try:
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)",
                    (f"{milliseconds}ms",),
                )
                yield cursor
        except psycopg.errors.QueryCanceled:
            raise AggregateQueryTimedOut(timeout_seconds) from None

    def close(self) -> None:
        with self._lock:
            for connection in self._all:
                connection.close()
            self._all.clear()
        self._local = threading.local()


class PostgresEventStore(Store):
    """Events in batches: copied to a staging table, then added unless present."""

    def __init__(self, database: PostgresEventDatabase) -> None:
        self.database = database

    def analyze(self) -> None:
        # A table filled from empty keeps the statistics of an empty one until
        # autovacuum (if it runs at all) comes by; the planner then takes ten
        # million rows for three and walks the time index over all of them.
        with self.database.write_lock, self.database.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def insert_table(self, events: pa.Table) -> pa.Table:
        if not events.num_rows:
            return events
        # The table as CSV, written by Arrow in C++: sending it row by row
        # through the driver's COPY would cost more than all the rest.
        staged = events.set_column(
            _TIME_INDEX, "event_time", pc.cast(events["event_time"], pa.int64())
        ).set_column(
            _SEGMENTS_INDEX,
            "journey_session_segment_id",
            _array_literals(events["journey_session_segment_id"]),
        )
        text = io.BytesIO()
        # Every value quoted, so an unquoted empty field is NULL to PostgreSQL
        # and a quoted one the empty string.
        options = csv.WriteOptions(include_header=False, quoting_style="all_valid")
        csv.write_csv(staged, text, options)

        names = ", ".join(COLUMNS)
        with self.database.write_lock:
            connection = self.database.connection()
            with connection.transaction(), connection.cursor() as cursor:
                cursor.execute(_STAGE)
                with cursor.copy(
                    f"COPY incoming_events ({names}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(text.getbuffer())
                cursor.execute(
                    f"INSERT INTO {TABLE} ({names})"
                    f" SELECT {_FROM_STAGE} FROM incoming_events"
                    " ON CONFLICT (id) DO NOTHING RETURNING id"
                )
                new_ids = {str(row[0]) for row in cursor.fetchall()}
        return new_of(events, new_ids)


def _array_literals(lists: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each list of strings as a PostgreSQL array literal, ``{"a","b"}``."""
    literals = []
    for chunk in lists.chunks:
        # Inside the quotes of an element only \ and " need a backslash.
        values = pc.replace_substring(chunk.values, "\\", "\\\\")
        values = pc.replace_substring(values, '"', '\\"')
        quoted = pc.binary_join_element_wise('"', values, '"', "")
        joined = pc.binary_join(
            pa.ListArray.from_arrays(chunk.offsets, quoted, mask=chunk.is_null()), ","
        )
        literals.append(pc.binary_join_element_wise("{", joined, "}", ""))
    return pa.chunked_array(literals, type=pa.string())
