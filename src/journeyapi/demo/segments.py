"""The demo segments, customers, external contacts, sessions and assignments."""

from __future__ import annotations

import uuid

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.auth.service import Principal
from journeyapi.models.customers import (
    Customer,
    CustomerIdentity,
    EndSession,
    JourneySession,
    SessionCustomer,
)
from journeyapi.models.externalcontacts import ExternalContact, PhoneNumber
from journeyapi.models.segments import (
    AssignmentState,
    Segment,
    SegmentAssignmentsUpdate,
)
from journeyapi.segments import store
from journeyapi.services import Services

NAMESPACE = uuid.UUID("0c1e5a8e-7d4b-4f0a-9b7e-2f6d3c9a1b55")


def _id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


# name, scope, expiration days, active
_SEGMENTS = (
    ("Frequent Buyer", "Customer", 30, True),
    ("Newsletter Subscriber", "Customer", 90, True),
    ("Churn Risk", "Customer", 14, True),
    ("Legacy Offer", "Customer", 30, False),
    ("Browsing Pricing", "Session", 30, True),
    ("Cart Abandoner", "Session", 30, True),
)

ANN = _id("contact/ann")
BOB = _id("contact/bob")
CHLOE = _id("contact/chloe")
ANN_SESSION = _id("session/ann-web")
COOKIE_SESSION = _id("session/cookie-web")
BOB_SESSION = _id("session/bob-app")
COOKIE = "c00kie-7f3a9d"


def demo_segments() -> list[Segment]:
    return [
        Segment(
            id=_id(f"segment/{name}"),
            display_name=name,
            description=f"{name} ({scope.lower()} segment)",
            scope=scope,
            assignment_expiration_days=days,
            is_active=active,
        )
        for name, scope, days, active in _SEGMENTS
    ]


def segment_id(name: str) -> str:
    return _id(f"segment/{name}")


def demo_contacts() -> list[ExternalContact]:
    return [
        ExternalContact(
            id=ANN,
            first_name="Ann",
            last_name="Example",
            work_email="ann@example.com",
            cell_phone=PhoneNumber(e164="+441632960001", display="+44 1632 960001"),
        ),
        ExternalContact(
            id=BOB,
            first_name="Bob",
            last_name="Sample",
            personal_email="bob+shop@example.org",
        ),
        ExternalContact(
            id=CHLOE,
            first_name="Chloé",
            last_name="Müller",
            work_email="chloé.müller@example.de",
            work_phone=PhoneNumber(e164="+4930901820"),
        ),
    ]


def load_segment_demo(services: Services) -> int:
    """Add the demo segments and, the first time, the rest; answers how many
    segments were added."""
    added = 0
    for segment in demo_segments():
        assert segment.id is not None
        if store.get_segment(services.db, segment.id) is None:
            services.segments.create(segment)
            added += 1
    if store.get_contact(services.db, ANN) is not None:
        return added

    for contact in demo_contacts():
        services.external_contacts.create(contact)
    services.customers.create(
        Customer(identities=[CustomerIdentity(id_type="cookie", id=COOKIE)])
    )
    sessions = (
        (ANN_SESSION, "web", "email", "ann@example.com"),
        (COOKIE_SESSION, "web", "cookie", COOKIE),
        (BOB_SESSION, "app", "email", "bob+shop@example.org"),
    )
    for session_id, kind, id_type, id_value in sessions:
        services.sessions.create(
            JourneySession(
                id=session_id,
                type=kind,
                customer=SessionCustomer(id=id_value, id_type=id_type),
            )
        )
    _assignments(services)
    return added


def _assignments(services: Services) -> None:
    operator = Principal("demo", frozenset(ALL_PERMISSIONS))
    assignments = services.assignments

    def items(state: AssignmentState, *names: str) -> list[SegmentAssignmentsUpdate]:
        return [
            SegmentAssignmentsUpdate(segment_id=segment_id(name), state=state)
            for name in names
        ]

    assigned, unassigned = AssignmentState.ASSIGNED, AssignmentState.UNASSIGNED
    assignments.update_for_contact(
        ANN, items(assigned, "Frequent Buyer", "Newsletter Subscriber"), operator
    )
    assignments.update_for_contact(BOB, items(assigned, "Churn Risk"), operator)
    assignments.update_for_contact(BOB, items(unassigned, "Churn Risk"), operator)
    assignments.update_for_contact(CHLOE, items(assigned, "Frequent Buyer"), operator)
    assignments.update_for_session(
        ANN_SESSION, items(assigned, "Browsing Pricing"), operator
    )
    assignments.update_for_session(
        COOKIE_SESSION, items(assigned, "Cart Abandoner"), operator
    )
    assignments.update_for_session(
        BOB_SESSION, items(assigned, "Browsing Pricing"), operator
    )
    services.sessions.end(BOB_SESSION, EndSession())
