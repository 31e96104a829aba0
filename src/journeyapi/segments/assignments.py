"""Segment assignments: assign, unassign, lapse, and the three listings.

An assignment is one row per (segment, customer) for a customer-scoped segment
and per (segment, session) for a session-scoped one: assigning again moves the
expiry of that row forward (or brings an unassigned row back). Every change is
also written as a journey event to the outbox, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from journeyapi.analytics import outbox
from journeyapi.auth.permissions import (
    SEGMENT_ASSIGNMENT_ADD,
    SEGMENT_ASSIGNMENT_DELETE,
)
from journeyapi.auth.service import Principal
from journeyapi.clock import Clock, from_millis, to_millis
from journeyapi.errors import InvalidValue
from journeyapi.limits import check_items
from journeyapi.models.common import AddressableEntityRef
from journeyapi.models.events import EventType, JourneyEvent
from journeyapi.models.segments import (
    AssignmentState,
    ContactSegmentAssignment,
    SegmentAssignment,
    SegmentAssignmentSegment,
    SegmentAssignmentSession,
    SegmentAssignmentsUpdate,
    SegmentRef,
    SegmentScope,
)
from journeyapi.segments import store
from journeyapi.segments.catalog import segment_uri
from journeyapi.segments.contacts import CONTACT_ID_TYPE, ExternalContactService
from journeyapi.segments.cursors import CursorCodec, Position
from journeyapi.segments.customers import CustomerService, contact_uri
from journeyapi.segments.errors import (
    DuplicateSegment,
    InactiveSegment,
    MissingBody,
    SessionEnded,
    UnknownSegment,
    WrongSegmentScope,
)
from journeyapi.segments.sessions import SessionService, session_uri
from journeyapi.storage.database import Database, Row

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
SWEEP_BATCH = 500
# The namespace of the ids of lapse events (uuid5 of assignment id and expiry).
_LAPSE_EVENTS = uuid.UUID("0b7c3f4e-5a9d-4e21-9c6f-2d8e1a7b3c50")

ASSIGNED = AssignmentState.ASSIGNED.value
UNASSIGNED = AssignmentState.UNASSIGNED.value


@dataclass(frozen=True)
class ListingQuery:
    """The parameters of a listing, checked."""

    page_size: int = DEFAULT_PAGE_SIZE
    after: str | None = None
    scope: SegmentScope | None = None
    state: AssignmentState | None = None

    @classmethod
    def parse(
        cls,
        page_size: str | None,
        after: str | None,
        segment_scope: str | None,
        assignment_state: str | None,
    ) -> ListingQuery:
        """From the query text: ``pageSize`` numeric 1..200, enums exact."""
        size = DEFAULT_PAGE_SIZE
        if page_size is not None:
            text = page_size.strip()
            if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 200:
                raise InvalidValue(
                    "pageSize", page_size, f"integers from 1 to {MAX_PAGE_SIZE}"
                )
            size = int(text)
        return cls(
            page_size=size,
            after=after,
            scope=_enum(SegmentScope, "segmentScope", segment_scope),
            state=_enum(AssignmentState, "assignmentState", assignment_state),
        )


def _enum(kind: Any, field: str, value: str | None) -> Any:
    if value is None:
        return None
    allowed = [member.value for member in kind]
    if value not in allowed:
        raise InvalidValue(field, value, ", ".join(allowed))
    return kind(value)


@dataclass(frozen=True)
class AssignmentPage:
    entities: list[SegmentAssignment]
    next_cursor: str | None


def read_as_of(row: Row, now_ms: int) -> dict[str, Any]:
    """What a stored row reads as at ``now_ms``: lapsed means unassigned."""
    expires = row["expires_ms"]
    lapsed = row["state"] == ASSIGNED and expires is not None and expires <= now_ms
    if not lapsed:
        return dict(row)
    return {
        **dict(row),
        "state": UNASSIGNED,
        "unassigned_ms": expires,
        "modified_ms": expires,
    }


def assignment_from_row(row: Row, now_ms: int) -> SegmentAssignment:
    view = read_as_of(row, now_ms)
    session = None
    if view["session_id"] is not None:
        session = SegmentAssignmentSession(
            id=view["session_id"],
            type=view.get("session_type"),
            self_uri=session_uri(view["session_id"]),
        )
    contact = None
    if view["external_contact_id"] is not None:
        contact = AddressableEntityRef(
            id=view["external_contact_id"],
            self_uri=contact_uri(view["external_contact_id"]),
        )
    unassigned = view["unassigned_ms"] if view["state"] == UNASSIGNED else None
    return SegmentAssignment(
        id=view["id"],
        state=AssignmentState(view["state"]),
        date_assigned=from_millis(view["assigned_ms"]),
        date_unassigned=None if unassigned is None else from_millis(unassigned),
        date_modified=from_millis(view["modified_ms"]),
        segment=SegmentAssignmentSegment(
            id=view["segment_id"],
            scope=SegmentScope(view["scope"]),
            version=view["segment_version"],
            self_uri=segment_uri(view["segment_id"]),
        ),
        customer_id=view["customer_id"],
        customer_id_type=view["customer_id_type"],
        session=session,
        external_contact=contact,
    )


@dataclass(frozen=True)
class _Subject:
    """Whom a POST assigns to: a customer (via a contact) or a session."""

    key: str
    scope: SegmentScope
    customer: str
    customer_id_type: str
    customer_id: str
    session_id: str | None
    session_end_ms: int | None
    external_contact_id: str | None


class AssignmentService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        customers: CustomerService,
        contacts: ExternalContactService,
        sessions: SessionService,
        max_items: int,
    ) -> None:
        self._db = db
        self._clock = clock
        self._customers = customers
        self._contacts = contacts
        self._sessions = sessions
        self._max_items = max_items
        self._cursors = CursorCodec(db)

    # --- listings -------------------------------------------------------------

    def by_customer(
        self, id_type: str, id_value: str, query: ListingQuery
    ) -> AssignmentPage:
        """An unknown customer has no assignments (not an error: a customer is
        only a pair of free-form keys)."""
        listing = _listing_key("customer", f"{id_type}\0{id_value}", query)
        position = self._position(listing, query)
        customer = self._customers.find(id_type, id_value)
        if customer is None:
            return AssignmentPage([], None)
        return self._page(
            listing, store.BY_CUSTOMER, {"customer": customer}, query, position
        )

    def by_contact(self, contact_id: str, query: ListingQuery) -> AssignmentPage:
        customer = self._contacts.customer_of(contact_id)
        listing = _listing_key("contact", contact_id, query)
        position = self._position(listing, query)
        return self._page(
            listing, store.BY_CUSTOMER, {"customer": customer}, query, position
        )

    def by_session(self, session_id: str, query: ListingQuery) -> AssignmentPage:
        session = self._sessions.row(session_id)
        listing = _listing_key("session", session_id, query)
        position = self._position(listing, query)
        params = {"session": session_id, "customer": session["customer"]}
        return self._page(listing, store.BY_SESSION, params, query, position)

    def current_for_contact(
        self, contact_id: str, limit: int
    ) -> list[ContactSegmentAssignment]:
        """The later API's view: the assignments in force, newest first."""
        customer = self._contacts.customer_of(contact_id)
        now_ms = to_millis(self._clock.now())
        rows = store.list_assignments(
            self._db,
            store.BY_CUSTOMER,
            {"customer": customer, "now": now_ms, "since": now_ms},
            scope=None,
            state=ASSIGNED,
            after=None,
            limit=limit,
        )
        return [_contact_assignment(row, contact_id) for row in rows]

    def _position(self, listing: str, query: ListingQuery) -> Position | None:
        if query.after is None:
            return None
        return self._cursors.decode(listing, query.after)

    def _page(
        self,
        listing: str,
        where: str,
        params: dict[str, Any],
        query: ListingQuery,
        position: Position | None,
    ) -> AssignmentPage:
        now_ms = to_millis(self._clock.now())
        since_ms = position.since_ms if position else now_ms
        rows = store.list_assignments(
            self._db,
            where,
            {**params, "now": now_ms, "since": since_ms},
            scope=None if query.scope is None else query.scope.value,
            state=None if query.state is None else query.state.value,
            after=(position.sort_ms, position.id) if position else None,
            limit=query.page_size + 1,
        )
        more = len(rows) > query.page_size
        rows = rows[: query.page_size]
        next_cursor = None
        if more:
            last = rows[-1]
            next_cursor = self._cursors.encode(
                listing, Position(since_ms, int(last["sort_ms"]), str(last["id"]))
            )
        return AssignmentPage(
            [assignment_from_row(row, now_ms) for row in rows], next_cursor
        )

    # --- assign and unassign --------------------------------------------------

    def update_for_contact(
        self,
        contact_id: str,
        items: Sequence[SegmentAssignmentsUpdate] | None,
        principal: Principal,
    ) -> None:
        """Apply a whole list of changes to an external contact, or none."""
        customer = self._contacts.customer_of(contact_id)
        subject = _Subject(
            key=customer,
            scope=SegmentScope.CUSTOMER,
            customer=customer,
            customer_id_type=CONTACT_ID_TYPE,
            customer_id=contact_id,
            session_id=None,
            session_end_ms=None,
            external_contact_id=contact_id,
        )
        self._update(subject, items, principal)

    def update_for_session(
        self,
        session_id: str,
        items: Sequence[SegmentAssignmentsUpdate] | None,
        principal: Principal,
    ) -> None:
        """Apply a whole list of changes of session-scoped segments."""
        session = self._sessions.row(session_id)
        contacts = store.contacts_of(self._db, session["customer"])
        subject = _Subject(
            key=session_id,
            scope=SegmentScope.SESSION,
            customer=session["customer"],
            customer_id_type=session["customer_id_type"],
            customer_id=session["customer_id"],
            session_id=session_id,
            session_end_ms=session["end_ms"],
            external_contact_id=contacts[0] if contacts else None,
        )
        self._update(subject, items, principal)

    def _update(
        self,
        subject: _Subject,
        items: Sequence[SegmentAssignmentsUpdate] | None,
        principal: Principal,
    ) -> None:
        if items is None:
            raise MissingBody(
                template="The request needs a JSON array of segment changes;"
                " [] changes nothing."
            )
        check_items("body", items, self._max_items)
        for item in items:
            principal.require_any(
                SEGMENT_ASSIGNMENT_ADD
                if item.state == AssignmentState.ASSIGNED
                else SEGMENT_ASSIGNMENT_DELETE
            )
        if not items:
            return

        with self._db.transaction():
            segments = self._check_items(subject, items)
            now = self._clock.now()
            for item in items:
                self._apply(subject, segments[item.segment_id], item.state, now)

    def _check_items(
        self, subject: _Subject, items: Sequence[SegmentAssignmentsUpdate]
    ) -> dict[str, Row]:
        segments = store.get_segments(
            self._db, list(dict.fromkeys(item.segment_id for item in items))
        )
        seen: set[str] = set()
        now_ms = to_millis(self._clock.now())
        for item in items:
            segment = segments.get(item.segment_id)
            if segment is None:
                raise UnknownSegment(item.segment_id, "segmentId")
            if item.segment_id in seen:
                raise DuplicateSegment(item.segment_id, "segmentId")
            seen.add(item.segment_id)
            if segment["scope"] != subject.scope.value:
                raise WrongSegmentScope(
                    item.segment_id, segment["scope"], subject.scope.value, "segmentId"
                )
            if item.state == AssignmentState.ASSIGNED:
                if not segment["is_active"]:
                    raise InactiveSegment(item.segment_id, "segmentId")
                end = subject.session_end_ms
                if subject.session_id is not None and end is not None and end <= now_ms:
                    raise SessionEnded(subject.session_id)
        return segments

    def _apply(
        self, subject: _Subject, segment: Row, state: AssignmentState, now: datetime
    ) -> None:
        now_ms = to_millis(now)
        row = store.get_assignment(self._db, segment["id"], subject.key)
        if row is not None and row["state"] == ASSIGNED:
            expires = row["expires_ms"]
            if expires is not None and expires <= now_ms:
                row, _ = self._persist_lapse(row)

        if state == AssignmentState.UNASSIGNED:
            if row is None or row["state"] == UNASSIGNED:
                return
            changed = {
                **dict(row),
                "state": UNASSIGNED,
                "unassigned_ms": now_ms,
                "modified_ms": now_ms,
            }
            store.update_assignment(self._db, changed)
            self._record(changed, EventType.SEGMENT_UNASSIGNED, now_ms)
            return

        if subject.scope == SegmentScope.CUSTOMER:
            days = int(segment["assignment_expiration_days"])
            expires_ms: int | None = to_millis(now + timedelta(days=days))
        else:
            expires_ms = subject.session_end_ms
        if row is None:
            created = {
                "id": str(uuid.uuid4()),
                "segment_id": segment["id"],
                "subject": subject.key,
                "scope": subject.scope.value,
                "segment_version": segment["version"],
                "customer": subject.customer,
                "customer_id_type": subject.customer_id_type,
                "customer_id": subject.customer_id,
                "session_id": subject.session_id,
                "external_contact_id": subject.external_contact_id,
                "state": ASSIGNED,
                "assigned_ms": now_ms,
                "unassigned_ms": None,
                "modified_ms": now_ms,
                "expires_ms": expires_ms,
            }
            store.insert_assignment(self._db, created)
            self._record(created, EventType.SEGMENT_ASSIGNED, now_ms)
            return

        # Assigned again: the same row, its expiry moved forward. A row that
        # was unassigned is assigned anew, so its dateAssigned is now.
        revived = row["state"] == UNASSIGNED
        changed = {
            **dict(row),
            "state": ASSIGNED,
            "segment_version": segment["version"],
            "assigned_ms": now_ms if revived else row["assigned_ms"],
            "unassigned_ms": None,
            "modified_ms": now_ms,
            "expires_ms": expires_ms,
            "external_contact_id": row["external_contact_id"]
            or subject.external_contact_id,
        }
        store.update_assignment(self._db, changed)
        self._record(changed, EventType.SEGMENT_ASSIGNED, now_ms)

    # --- expiry ---------------------------------------------------------------

    def persist_lapsed(self) -> int:
        """Write down every assignment that has lapsed as unassigned (at its
        expiry instant), with its journey event; answers how many this call
        wrote. Sweeps of several server processes may overlap: each row's
        lapse is written, with its event, by exactly one of them."""
        now_ms = to_millis(self._clock.now())
        total = 0
        while True:
            with self._db.transaction():
                rows = store.lapsed_assignments(self._db, now_ms, SWEEP_BATCH)
                written = sum(1 for row in rows if self._persist_lapse(row)[1])
            total += written
            if len(rows) < SWEEP_BATCH:
                return total

    def _persist_lapse(self, row: Row) -> tuple[dict[str, Any], bool]:
        """The row as lapsed, and whether this call wrote the lapse. The event
        id is derived from the assignment and its expiry, so one lapse is one
        event whoever writes it down."""
        expires = int(row["expires_ms"])
        lapsed = {
            **dict(row),
            "state": UNASSIGNED,
            "unassigned_ms": expires,
            "modified_ms": expires,
        }
        if not store.persist_lapse(self._db, lapsed):
            return lapsed, False
        event_id = uuid.uuid5(_LAPSE_EVENTS, f"{row['id']}\0{expires}")
        self._record(
            lapsed, EventType.SEGMENT_UNASSIGNED, expires, event_id=str(event_id)
        )
        return lapsed, True

    def _record(
        self,
        row: dict[str, Any],
        kind: EventType,
        at_ms: int,
        event_id: str | None = None,
    ) -> None:
        event = JourneyEvent(
            id=event_id or str(uuid.uuid4()),
            event_type=kind,
            event_time=from_millis(at_ms),
            session_id=row["session_id"],
            journey_segment_id=row["segment_id"],
            journey_segment_scope=row["scope"],
            journey_customer_id=row["customer_id"],
            journey_customer_id_type=row["customer_id_type"],
        )
        outbox.enqueue(self._db, self._clock, [event])


def _listing_key(kind: str, subject: str, query: ListingQuery) -> str:
    scope = "" if query.scope is None else query.scope.value
    state = "" if query.state is None else query.state.value
    return f"{kind}\0{subject}\0{scope}\0{state}"


def _contact_assignment(row: Row, contact_id: str) -> ContactSegmentAssignment:
    session = None
    if row["session_id"] is not None:
        session = AddressableEntityRef(
            id=row["session_id"], self_uri=session_uri(row["session_id"])
        )
    expires = row["expires_ms"]
    return ContactSegmentAssignment(
        date_assigned=from_millis(row["assigned_ms"]),
        date_for_unassignment=None if expires is None else from_millis(expires),
        segment=SegmentRef(
            id=row["segment_id"], self_uri=segment_uri(row["segment_id"])
        ),
        external_contact=AddressableEntityRef(
            id=contact_id, self_uri=contact_uri(contact_id)
        ),
        session=session,
    )
