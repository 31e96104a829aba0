"""SQL for injected faults and their shared counts."""

from __future__ import annotations

import json
from typing import Any

from journeyapi.storage.database import Database, Row


def all_faults(db: Database) -> list[Row]:
    return db.fetch_all(
        "SELECT id, definition, matched, fired FROM faults ORDER BY position, id"
    )


def insert(
    db: Database,
    *,
    fault_id: str,
    position: int,
    definition: dict[str, Any],
    created_ms: int,
) -> None:
    db.execute(
        "INSERT INTO faults (id, position, definition, matched, fired, created_ms)"
        " VALUES (:id, :position, :definition, 0, 0, :created_ms)",
        {
            "id": fault_id,
            "position": position,
            "definition": json.dumps(definition),
            "created_ms": created_ms,
        },
    )


def next_position(db: Database) -> int:
    row = db.fetch_one("SELECT COALESCE(MAX(position), -1) + 1 AS next FROM faults")
    return int(row["next"]) if row else 0


def delete(db: Database, fault_id: str) -> int:
    return db.execute("DELETE FROM faults WHERE id = :id", {"id": fault_id})


def delete_all(db: Database) -> None:
    db.execute("DELETE FROM faults")


def count_match(db: Database, fault_id: str) -> Row | None:
    """Count one matched request; answers the new counts (atomic, shared)."""
    rows = db.fetch_all(
        "UPDATE faults SET matched = matched + 1 WHERE id = :id"
        " RETURNING matched, fired",
        {"id": fault_id},
    )
    return rows[0] if rows else None


def count_fire(db: Database, fault_id: str, limit: int | None) -> bool:
    """Count one hit, unless the rule has had ``limit`` hits already."""
    if limit is None:
        return (
            db.execute(
                "UPDATE faults SET fired = fired + 1 WHERE id = :id", {"id": fault_id}
            )
            > 0
        )
    return (
        db.execute(
            "UPDATE faults SET fired = fired + 1 WHERE id = :id AND fired < :limit",
            {"id": fault_id, "limit": limit},
        )
        > 0
    )
