"""A snapshot of every row in the store, to show a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from journeyapi.storage.database import Database
from journeyapi.storage.tables import metadata

# Counted per request by design (on PostgreSQL the counters live in the store).
NOT_DATA = frozenset({"rate_limit_counters"})

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(db: Database) -> Snapshot:
    taken: Snapshot = {}
    for table in metadata.sorted_tables:
        if table.name in NOT_DATA:
            continue
        columns = [column.name for column in table.columns]
        rows = db.fetch_all(f"SELECT {', '.join(columns)} FROM {table.name}")
        taken[table.name] = sorted(
            (tuple(row[column] for column in columns) for row in rows), key=repr
        )
    return taken
