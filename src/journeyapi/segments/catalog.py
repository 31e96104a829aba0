"""The segment definitions: create, read, list, change, delete.

The routes are those of the later Genesys segment API. Every change bumps
``version``; assignments remember the version they were made with.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from journeyapi.clock import Clock, from_millis, to_millis
from journeyapi.errors import InvalidValue
from journeyapi.models.segments import PatchSegment, Segment, SegmentScope
from journeyapi.paging import PageRequest
from journeyapi.segments import store
from journeyapi.segments.errors import (
    EntityExists,
    MissingBody,
    ScopeIsFixed,
    SegmentNotFound,
    VersionMismatch,
)
from journeyapi.storage.database import Database, Row

DEFAULT_EXPIRATION_DAYS = 30
MAX_EXPIRATION_DAYS = 365
MAX_NAME_LENGTH = 200
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")

_EDITABLE = (
    "display_name",
    "description",
    "color",
    "is_active",
    "should_display_to_agent",
    "assignment_expiration_days",
)


def segment_uri(segment_id: str) -> str:
    return f"/api/v2/journey/segments/{segment_id}"


def segment_from_row(row: Row) -> Segment:
    return Segment.model_construct(
        id=row["id"],
        display_name=row["display_name"],
        description=row["description"],
        color=row["color"],
        scope=SegmentScope(row["scope"]),
        is_active=bool(row["is_active"]),
        should_display_to_agent=bool(row["should_display_to_agent"]),
        assignment_expiration_days=row["assignment_expiration_days"],
        version=row["version"],
        self_uri=segment_uri(row["id"]),
        created_date=from_millis(row["created_ms"]),
        modified_date=from_millis(row["modified_ms"]),
    )


def _to_row(segment: Segment) -> dict[str, Any]:
    assert segment.created_date is not None and segment.modified_date is not None
    return {
        "id": segment.id,
        "display_name": segment.display_name,
        "description": segment.description,
        "color": segment.color,
        "scope": str(segment.scope),
        "is_active": int(bool(segment.is_active)),
        "should_display_to_agent": int(bool(segment.should_display_to_agent)),
        "assignment_expiration_days": segment.assignment_expiration_days,
        "version": segment.version,
        "created_ms": to_millis(segment.created_date),
        "modified_ms": to_millis(segment.modified_date),
    }


class SegmentService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, segment_id: str) -> Segment:
        row = store.get_segment(self._db, segment_id)
        if row is None:
            raise SegmentNotFound(segment_id)
        return segment_from_row(row)

    def list_page(self, page: PageRequest) -> tuple[list[Segment], int]:
        total = store.count_segments(self._db)
        if page.offset >= total:
            return [], total
        rows = store.page_segments(self._db, page.offset, page.size)
        return [segment_from_row(row) for row in rows], total

    def create(self, segment: Segment | None) -> Segment:
        """Add a segment; ``displayName`` and ``scope`` are required."""
        if segment is None:
            raise MissingBody()
        _check_name(segment.display_name)
        _check_scope(segment.scope)
        _check_color(segment.color)
        days = segment.assignment_expiration_days
        if days is None:
            days = DEFAULT_EXPIRATION_DAYS
        _check_days(days)
        segment_id = _canonical_id(segment.id)

        now = self._clock.now()
        created = Segment(
            id=segment_id,
            display_name=segment.display_name,
            description=segment.description,
            color=segment.color,
            scope=SegmentScope(str(segment.scope)),
            is_active=True if segment.is_active is None else segment.is_active,
            should_display_to_agent=bool(segment.should_display_to_agent),
            assignment_expiration_days=days,
            version=1,
            self_uri=segment_uri(segment_id),
            created_date=now,
            modified_date=now,
        )
        with self._db.transaction():
            if store.get_segment(self._db, segment_id) is not None:
                raise EntityExists(segment_id)
            store.insert_segment(self._db, _to_row(created))
        return created

    def patch(self, segment_id: str, patch: PatchSegment | None) -> Segment:
        """Change the fields present; a patch that changes nothing keeps the
        version and ``modifiedDate``. A ``version`` that is not the current one
        is a conflict (someone changed the segment in between)."""
        if patch is None:
            raise MissingBody()
        present = patch.model_fields_set & set(_EDITABLE)
        if "display_name" in present:
            _check_name(patch.display_name)
        if "color" in present:
            _check_color(patch.color)
        if "assignment_expiration_days" in present:
            _check_days(patch.assignment_expiration_days)
        for flag in ("is_active", "should_display_to_agent"):
            if flag in present and getattr(patch, flag) is None:
                raise InvalidValue(_camel(flag), "null", "true, false")

        with self._db.transaction():
            current = self.get(segment_id)
            assert current.version is not None
            if patch.version is not None and patch.version != current.version:
                raise VersionMismatch(segment_id, current.version, patch.version)
            if "scope" in patch.model_fields_set and patch.scope != current.scope:
                given = "null" if patch.scope is None else str(patch.scope)
                raise ScopeIsFixed(segment_id, given, str(current.scope))
            changes = {field: getattr(patch, field) for field in present}
            if all(getattr(current, key) == value for key, value in changes.items()):
                return current
            updated = current.model_copy(
                update={
                    **changes,
                    "version": current.version + 1,
                    "modified_date": self._clock.now(),
                }
            )
            store.update_segment(self._db, _to_row(updated))
        return updated

    def delete(self, segment_id: str) -> None:
        """Remove a segment and, with it, every assignment of it."""
        with self._db.transaction():
            if not store.delete_segment(self._db, segment_id):
                raise SegmentNotFound(segment_id)


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def _canonical_id(value: str | None) -> str:
    if value is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue("id", value, "UUIDs") from None


def _check_name(name: str | None) -> None:
    if name is None or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise InvalidValue(
            "displayName",
            "null" if name is None else name,
            f"non-empty strings of at most {MAX_NAME_LENGTH} characters",
        )


def _check_scope(scope: object) -> None:
    allowed = [member.value for member in SegmentScope]
    if scope not in allowed:
        raise InvalidValue(
            "scope", "null" if scope is None else scope, ", ".join(allowed)
        )


def _check_color(color: str | None) -> None:
    if color is not None and not _COLOR.fullmatch(color):
        raise InvalidValue("color", color, "colours of the form #RRGGBB")


def _check_days(days: int | None) -> None:
    if days is None or not 1 <= days <= MAX_EXPIRATION_DAYS:
        raise InvalidValue(
            "assignmentExpirationDays",
            "null" if days is None else days,
            f"integers from 1 to {MAX_EXPIRATION_DAYS}",
        )
