"""Segments and segment assignments.

``Segment`` and ``PatchSegment`` use the names of the later Genesys segment API
(``displayName``, ``isActive``, ``assignmentExpirationDays``...); the assignment
schemas are those of the Journey API of late 2020.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from journeyapi.models.common import (
    AddressableEntityRef,
    OpenEnum,
    UtcDateTime,
    WireModel,
)


class SegmentScope(StrEnum):
    SESSION = "Session"
    CUSTOMER = "Customer"


class AssignmentState(StrEnum):
    ASSIGNED = "Assigned"
    UNASSIGNED = "Unassigned"


def _scope_text(value: Any) -> Any:
    # A scope that is not text at all is refused here, naming the field and
    # the allowed values; text the enum does not know is left to the service.
    if value is not None and not isinstance(value, str):
        raise PydanticCustomError(
            "enum",
            "scope must be Session or Customer",
            {"expected": ", ".join(member.value for member in SegmentScope)},
        )
    return value


class Segment(WireModel):
    """Flags and numbers are strict: ``"yes"`` is not true, ``"5"`` not 5."""

    id: str | None = None
    display_name: str | None = None
    description: str | None = None
    color: str | None = None
    scope: OpenEnum[SegmentScope] | None = None
    is_active: StrictBool | None = None
    should_display_to_agent: StrictBool | None = None
    assignment_expiration_days: StrictInt | None = None
    version: int | None = None
    self_uri: str | None = None
    created_date: UtcDateTime | None = None
    modified_date: UtcDateTime | None = None

    _scope_is_text = field_validator("scope", mode="before")(_scope_text)


class PatchSegment(WireModel):
    """The body of a segment PATCH: only the fields present change. ``scope``
    is accepted only when it is the segment's own (it cannot change)."""

    display_name: str | None = None
    description: str | None = None
    color: str | None = None
    scope: OpenEnum[SegmentScope] | None = None
    is_active: StrictBool | None = None
    should_display_to_agent: StrictBool | None = None
    assignment_expiration_days: StrictInt | None = None
    version: StrictInt | None = None

    _scope_is_text = field_validator("scope", mode="before")(_scope_text)


class SegmentListing(WireModel):
    entities: list[Segment] | None = None
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    first_uri: str | None = None
    self_uri: str | None = None
    next_uri: str | None = None
    previous_uri: str | None = None
    last_uri: str | None = None
    page_count: int | None = None


class SegmentAssignmentSegment(WireModel):
    id: str | None = None
    scope: OpenEnum[SegmentScope] | None = None
    version: int | None = None
    self_uri: str | None = None


class SegmentAssignmentSession(WireModel):
    id: str | None = None
    type: str | None = None
    self_uri: str | None = None


class SegmentAssignment(WireModel):
    id: str | None = None
    state: OpenEnum[AssignmentState] | None = None
    date_assigned: UtcDateTime | None = None
    date_unassigned: UtcDateTime | None = None
    date_modified: UtcDateTime | None = None
    segment: SegmentAssignmentSegment | None = None
    customer_id: str | None = None
    customer_id_type: str | None = None
    session: SegmentAssignmentSession | None = None
    external_contact: AddressableEntityRef | None = None


class SegmentAssignmentListing(WireModel):
    """A cursor listing: ``nextUri`` carries ``after`` while more items remain."""

    entities: list[SegmentAssignment] | None = None
    next_uri: str | None = None
    self_uri: str | None = None
    previous_uri: str | None = None


class SegmentAssignmentsUpdate(WireModel):
    """One item of the assign/unassign body; both fields are required."""

    segment_id: str
    state: AssignmentState


# The later Genesys design (``/api/v2/externalcontacts/contacts/{id}/journey/
# segments``): leaner assignments and an assign/unassign request of segment ids.


class SegmentRef(WireModel):
    id: str
    self_uri: str | None = None


class ContactSegmentAssignment(WireModel):
    date_assigned: UtcDateTime | None = None
    date_for_unassignment: UtcDateTime | None = None
    segment: SegmentRef | None = None
    external_contact: AddressableEntityRef | None = None
    session: AddressableEntityRef | None = None


class ContactSegmentAssignmentListing(WireModel):
    entities: list[ContactSegmentAssignment]


class SegmentForAssignment(WireModel):
    id: str


class SegmentAssignments(WireModel):
    segments: list[SegmentForAssignment] | None = None


class UpdateSegmentAssignmentRequest(WireModel):
    assign: SegmentAssignments | None = None
    unassign: SegmentAssignments | None = None


class UnprocessedSegmentAssignments(WireModel):
    assign: SegmentAssignments | None = None
    unassign: SegmentAssignments | None = None
    count: int


class UpdateSegmentAssignmentResponse(WireModel):
    unprocessed_items: UnprocessedSegmentAssignments
