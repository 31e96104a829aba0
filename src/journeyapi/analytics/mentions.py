"""The sessions and customers a batch of new journey events mentions.

An import hands over a hundred thousand events at a time, and what the
transactional store needs from them is one row per session and one per
identity. Working that out is a GROUP BY, so it runs in an in-memory DuckDB over
the batch's Arrow columns, whichever store the events went to; Python only sees
the grouped rows.

The rules, for the events of one batch in the order they came:

- a session belongs to the customer named by its first event that names one
  (both ``journeyCustomerIdType`` and ``journeyCustomerId`` non-empty); a
  session whose events name no customer is not mentioned at all;
- it starts at the earliest of its events, and its type is the first
  non-empty ``journeySessionType`` among them, if any;
- an event without a session still mentions the customer it names, and so
  does one whose session id cannot be a path segment (it holds "/", or is "."
  or ".."), which makes no session;
- an identity whose type holds "/" is not recorded.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

# (id type, id value, id of the customer to make if the pair is new)
IdentityRow = tuple[str, str, str]
# (session id, session type or None, id type, id value, start in epoch ms)
SessionRow = tuple[str, str | None, str, str, int]

# An id type holding "/", or a session id that is "/"-split or a dot segment,
# could never be read back through the API's paths: such events still count in
# queries, but make no customer or session.
_NAMED = (
    "journey_customer_id_type <> '' AND journey_customer_id <> ''"
    " AND NOT contains(journey_customer_id_type, '/')"
)
_ADDRESSABLE = (
    "session_id IS NOT NULL AND NOT contains(session_id, '/')"
    " AND session_id NOT IN ('.', '..')"
)

_SESSIONS = f"""
SELECT
    session_id AS id,
    arg_min(journey_session_type, n)
        FILTER (WHERE journey_session_type <> '') AS type,
    arg_min(journey_customer_id_type, n) FILTER (WHERE {_NAMED}) AS id_type,
    arg_min(journey_customer_id, n) FILTER (WHERE {_NAMED}) AS id_value,
    epoch_us(min(event_time)) AS start_us
FROM new_events
WHERE {_ADDRESSABLE}
GROUP BY session_id
"""

# Floor division, as instants are stored: epoch_us may be negative.
_SESSION_ROWS = """
SELECT id, type, id_type, id_value,
    (start_us - ((start_us % 1000) + 1000) % 1000) // 1000 AS start_ms
FROM mentioned WHERE id_type IS NOT NULL
"""

# Time-ordered ids: the customers an import makes go to the end of the index of
# customers rather than all over it.
_IDENTITY_ROWS = f"""
SELECT id_type, id_value, uuidv7()::VARCHAR AS customer FROM (
    SELECT DISTINCT id_type, id_value FROM (
        SELECT id_type, id_value FROM mentioned WHERE id_type IS NOT NULL
        UNION ALL
        SELECT journey_customer_id_type, journey_customer_id FROM new_events
        WHERE NOT coalesce({_ADDRESSABLE}, false) AND {_NAMED}
    )
)
"""


@dataclass(frozen=True)
class Mentions:
    identities: list[IdentityRow]
    sessions: list[SessionRow]

    def __bool__(self) -> bool:
        return bool(self.identities or self.sessions)


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    # One small in-memory database per thread: a DuckDB connection is not to
    # be shared between threads, and opening one costs more than the query.
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = duckdb.connect(":memory:", config={"threads": 1})
        _local.connection = connection
    return connection


def mentions_of(events: pa.Table) -> Mentions:
    """What ``events`` (stored columns, in the order they came) mention."""
    if not events.num_rows:
        return Mentions([], [])
    # Where each event came in the batch: the first to name something wins.
    numbered = events.append_column("n", pa.array(range(events.num_rows)))
    connection = _connection()
    connection.register("new_events", numbered)
    try:
        connection.execute(f"CREATE OR REPLACE TEMP TABLE mentioned AS {_SESSIONS}")
        sessions = connection.sql(_SESSION_ROWS).to_arrow_table()
        identities = connection.sql(_IDENTITY_ROWS).to_arrow_table()
    finally:
        connection.execute("DROP TABLE IF EXISTS mentioned")
        connection.unregister("new_events")
    return Mentions(_rows(identities), _rows(sessions))


def _rows(table: pa.Table) -> list[Any]:
    # Column by column is several times faster than DuckDB's row fetch.
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))
