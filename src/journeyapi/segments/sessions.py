"""Journey sessions: one visit of a customer, from its start to its end.

Session-scoped segment assignments last as long as their session: ending a
session makes them lapse at its end.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from journeyapi.clock import Clock, from_millis, to_millis
from journeyapi.errors import InvalidValue
from journeyapi.models.common import format_instant
from journeyapi.models.customers import EndSession, JourneySession, SessionCustomer
from journeyapi.segments import store
from journeyapi.segments.customers import CustomerService, check_identity
from journeyapi.segments.errors import (
    EndBeforeStart,
    EntityExists,
    MissingBody,
    SessionAlreadyEnded,
    SessionNotFound,
)
from journeyapi.storage.database import Database, Row
from journeyapi.uris import path_segment

MAX_SESSION_ID_LENGTH = 64
MAX_TYPE_LENGTH = 64


def session_uri(session_id: str) -> str:
    # Percent-encoded, so that an id with a space, "?" or "#" still leads back.
    return f"/api/v2/journey/sessions/{path_segment(session_id)}"


def session_from_row(row: Row) -> JourneySession:
    end_ms = row["end_ms"]
    return JourneySession(
        id=row["id"],
        type=row["type"],
        customer=SessionCustomer(
            id=row["customer_id"], id_type=row["customer_id_type"]
        ),
        created_date=from_millis(row["start_ms"]),
        ended_date=None if end_ms is None else from_millis(end_ms),
        self_uri=session_uri(row["id"]),
    )


class SessionService:
    def __init__(self, db: Database, clock: Clock, customers: CustomerService) -> None:
        self._db = db
        self._clock = clock
        self._customers = customers

    def row(self, session_id: str) -> Row:
        row = store.get_session(self._db, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        return row

    def get(self, session_id: str) -> JourneySession:
        return session_from_row(self.row(session_id))

    def create(self, session: JourneySession | None) -> JourneySession:
        """A session of the customer it names, who is created if unknown."""
        if session is None:
            raise MissingBody()
        session_id = session.id or str(uuid.uuid4())
        # A "/" would make the session's own path another route's, and "." or
        # ".." are dropped from a path by clients: the id could be stored but
        # never read back.
        if (
            not session_id.strip()
            or len(session_id) > MAX_SESSION_ID_LENGTH
            or "/" in session_id
            or session_id in (".", "..")
        ):
            raise InvalidValue(
                "id",
                session_id,
                f"strings of 1 to {MAX_SESSION_ID_LENGTH} characters without /,"
                " other than . and ..",
            )
        kind = session.type
        if kind is None or not kind.strip() or len(kind) > MAX_TYPE_LENGTH:
            raise InvalidValue(
                "type",
                "null" if kind is None else kind,
                "non-empty strings such as web, app",
            )
        if session.customer is None:
            raise InvalidValue("customer", "null", "objects with id and idType")
        identity = check_identity(
            session.customer.id_type, session.customer.id, "customer."
        )
        start = session.created_date or self._clock.now()
        _check_end(session_id, start, session.ended_date)

        with self._db.transaction():
            if store.get_session(self._db, session_id) is not None:
                raise EntityExists(session_id)
            customer_id = self._customers.find_or_create([identity])
            store.insert_session(
                self._db,
                {
                    "id": session_id,
                    "type": kind,
                    "customer": customer_id,
                    "customer_id_type": identity.id_type,
                    "customer_id": identity.id_value,
                    "start_ms": to_millis(start),
                    "end_ms": None
                    if session.ended_date is None
                    else to_millis(session.ended_date),
                },
            )
        return self.get(session_id)

    def end(self, session_id: str, body: EndSession | None) -> JourneySession:
        """End a session (now, or at ``endedDate``); its session-scoped
        assignments lapse at that instant."""
        with self._db.transaction():
            row = self.row(session_id)
            if row["end_ms"] is not None:
                raise SessionAlreadyEnded(session_id)
            end = (body.ended_date if body else None) or self._clock.now()
            _check_end(session_id, from_millis(row["start_ms"]), end)
            store.end_session(self._db, session_id, to_millis(end))
            store.expire_session_assignments(self._db, session_id, to_millis(end))
        return self.get(session_id)


def _check_end(session_id: str, start: datetime, end: datetime | None) -> None:
    if end is not None and end < start:
        raise EndBeforeStart(session_id, format_instant(start), format_instant(end))
