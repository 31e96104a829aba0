"""SQL for action targets."""

from __future__ import annotations

import json
from typing import Any

from journeyapi.clock import from_millis, to_millis
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetState,
    MediaType,
    ServiceLevel,
)
from journeyapi.models.common import KeyValue
from journeyapi.storage.database import Database, Row

_COLUMNS = (
    "id, name, description, state, supported_media_types, user_data,"
    " service_level_percentage, service_level_duration_ms, short_abandon_threshold,"
    " created_ms, modified_ms"
)

_INSERT = (
    f"INSERT INTO action_targets ({_COLUMNS}) VALUES (:id, :name, :description,"
    " :state, :supported_media_types, :user_data, :service_level_percentage,"
    " :service_level_duration_ms, :short_abandon_threshold, :created_ms,"
    " :modified_ms)"
)


def self_uri(target_id: str) -> str:
    return f"/api/v2/journey/actiontargets/{target_id}"


def get(db: Database, target_id: str) -> ActionTarget | None:
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM action_targets WHERE id = :id", {"id": target_id}
    )
    return _from_row(row) if row else None


def count(db: Database) -> int:
    row = db.fetch_one("SELECT count(*) AS n FROM action_targets")
    return int(row["n"]) if row else 0


def page(db: Database, offset: int, limit: int) -> list[ActionTarget]:
    # Names compare by code point, so every database orders them alike.
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM action_targets ORDER BY name, id"
        " LIMIT :limit OFFSET :offset",
        {"limit": limit, "offset": offset},
    )
    return [_from_row(row) for row in rows]


def insert(db: Database, target: ActionTarget) -> None:
    db.execute(_INSERT, _to_row(target))


def upsert(db: Database, target: ActionTarget) -> bool:
    """Insert or replace a target; answers whether it was new."""
    existed = get(db, str(target.id)) is not None
    if existed:
        db.execute(
            "UPDATE action_targets SET name = :name, description = :description,"
            " state = :state, supported_media_types = :supported_media_types,"
            " user_data = :user_data,"
            " service_level_percentage = :service_level_percentage,"
            " service_level_duration_ms = :service_level_duration_ms,"
            " short_abandon_threshold = :short_abandon_threshold,"
            " created_ms = :created_ms, modified_ms = :modified_ms WHERE id = :id",
            _to_row(target),
        )
    else:
        insert(db, target)
    return not existed


def insert_missing(db: Database, target: ActionTarget) -> bool:
    """Insert a target unless one with its id exists; answers whether it did."""
    touched = db.execute(_INSERT + " ON CONFLICT (id) DO NOTHING", _to_row(target))
    return touched == 1


def update_editable(db: Database, target: ActionTarget) -> None:
    db.execute(
        "UPDATE action_targets SET name = :name,"
        " service_level_percentage = :service_level_percentage,"
        " service_level_duration_ms = :service_level_duration_ms,"
        " short_abandon_threshold = :short_abandon_threshold,"
        " modified_ms = :modified_ms WHERE id = :id",
        _to_row(target),
    )


def set_state(db: Database, target_id: str, state: str, modified_ms: int) -> int:
    return db.execute(
        "UPDATE action_targets SET state = :state, modified_ms = :modified_ms"
        " WHERE id = :id",
        {"id": target_id, "state": state, "modified_ms": modified_ms},
    )


def delete(db: Database, target_id: str) -> int:
    return db.execute("DELETE FROM action_targets WHERE id = :id", {"id": target_id})


def _from_row(row: Row) -> ActionTarget:
    # Rows are written only after validation, so they are trusted and built
    # without validating again: this runs on every read.
    percentage = row["service_level_percentage"]
    duration = row["service_level_duration_ms"]
    service_level = None
    if percentage is not None or duration is not None:
        service_level = ServiceLevel.model_construct(
            percentage=percentage, duration_ms=duration
        )
    return ActionTarget.model_construct(
        id=row["id"],
        name=row["name"],
        user_data=[
            KeyValue.model_construct(key=item["key"], value=item["value"])
            for item in json.loads(row["user_data"])
        ],
        supported_media_types=[
            MediaType(media) for media in json.loads(row["supported_media_types"])
        ],
        state=ActionTargetState(row["state"]),
        description=row["description"],
        service_level=service_level,
        short_abandon_threshold=row["short_abandon_threshold"],
        self_uri=self_uri(row["id"]),
        created_date=from_millis(row["created_ms"]),
        modified_date=from_millis(row["modified_ms"]),
    )


def _to_row(target: ActionTarget) -> dict[str, Any]:
    service_level = target.service_level or ServiceLevel()
    assert target.created_date is not None and target.modified_date is not None
    return {
        "id": target.id,
        "name": target.name,
        "description": target.description,
        "state": str(target.state),
        "supported_media_types": json.dumps(
            [str(media) for media in target.supported_media_types or []]
        ),
        "user_data": json.dumps([item.model_dump() for item in target.user_data or []]),
        "service_level_percentage": service_level.percentage,
        "service_level_duration_ms": service_level.duration_ms,
        "short_abandon_threshold": target.short_abandon_threshold,
        "created_ms": to_millis(target.created_date),
        "modified_ms": to_millis(target.modified_date),
    }
