"""Expiry: lapsed assignments read as unassigned everywhere; the sweep persists."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient

from journeyapi.analytics import outbox
from journeyapi.clock import ManualClock
from journeyapi.services import Services
from tests.segments.conftest import Maker


def three_listings(make: Maker, contact: str, session: str) -> list[str]:
    return [
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        "/api/v2/journey/customers/email/ann%40example.com/segments",
        f"/api/v2/journey/sessions/{session}/segments",
    ]


def test_a_lapsed_assignment_reads_unassigned_in_all_listings_and_filters(
    make: Maker, clock: ManualClock
) -> None:
    contact = make.contact(workEmail="ann@example.com")
    session = make.session("email", "ann@example.com")
    segment = make.segment(assignmentExpirationDays=2)
    make.assign(contact, segment)

    clock.advance(timedelta(days=2))

    for path in three_listings(make, contact, session):
        [entity] = make.listing(path)["entities"]
        assert entity["state"] == "Unassigned"
        assert entity["dateAssigned"] == "2026-01-05T12:00:00.000Z"
        assert entity["dateUnassigned"] == "2026-01-07T12:00:00.000Z"
        assert entity["dateModified"] == "2026-01-07T12:00:00.000Z"
        assert make.listing(path, assignmentState="Assigned")["entities"] == []
        assert len(make.listing(path, assignmentState="Unassigned")["entities"]) == 1


def test_one_millisecond_before_the_expiry_it_is_still_assigned(
    make: Maker, clock: ManualClock
) -> None:
    contact = make.contact()
    make.assign(contact, make.segment(assignmentExpirationDays=2))

    clock.advance(timedelta(days=2) - timedelta(milliseconds=1))

    path = f"/api/v2/journey/externalcontacts/{contact}/segments"
    [entity] = make.listing(path, assignmentState="Assigned")["entities"]
    assert "dateUnassigned" not in entity


def test_reassigning_before_the_expiry_moves_it(
    make: Maker, clock: ManualClock
) -> None:
    contact = make.contact()
    segment = make.segment(assignmentExpirationDays=2)
    make.assign(contact, segment)
    clock.advance(timedelta(days=1))

    make.assign(contact, segment)
    clock.advance(timedelta(days=1, hours=12))

    path = f"/api/v2/journey/externalcontacts/{contact}/segments"
    [entity] = make.listing(path)["entities"]
    assert entity["state"] == "Assigned"
    assert entity["dateAssigned"] == "2026-01-05T12:00:00.000Z"
    assert entity["dateModified"] == "2026-01-06T12:00:00.000Z"
    later = make.listing(
        f"/api/v2/externalcontacts/contacts/{contact}/journey/segments"
    )
    assert later["entities"][0]["dateForUnassignment"] == "2026-01-08T12:00:00.000Z"

    clock.advance(timedelta(hours=12))
    [entity] = make.listing(path)["entities"]
    assert entity["state"] == "Unassigned"
    assert entity["dateUnassigned"] == "2026-01-08T12:00:00.000Z"


def test_the_sweep_persists_the_lapse_and_writes_its_event(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    segment = make.segment(assignmentExpirationDays=1)
    make.assign(contact, segment)
    clock.advance(timedelta(days=3))
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"
    before = make.listing(path)

    assert services.assignments.persist_lapsed() == 1
    assert services.assignments.persist_lapsed() == 0

    assert make.listing(path) == before
    row = services.db.fetch_one("SELECT state, modified_ms FROM segment_assignments")
    assert row is not None and row["state"] == "Unassigned"
    events = [pending.event for pending in outbox.pending(services.db)]
    assert [event.event_type.value for event in events] == [
        "segmentAssigned",
        "segmentUnassigned",
    ]
    assert events[1].event_time.isoformat() == "2026-01-06T12:00:00+00:00"


def test_assigning_after_a_lapse_starts_a_new_assignment(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    segment = make.segment(assignmentExpirationDays=1)
    make.assign(contact, segment)
    clock.advance(timedelta(days=2))

    make.assign(contact, segment)

    [entity] = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")[
        "entities"
    ]
    assert entity["state"] == "Assigned"
    assert entity["dateAssigned"] == "2026-01-07T12:00:00.000Z"
    kinds = [p.event.event_type.value for p in outbox.pending(services.db)]
    assert kinds == ["segmentAssigned", "segmentUnassigned", "segmentAssigned"]


def test_ending_a_session_lapses_its_session_scoped_assignments(
    client: TestClient, make: Maker, clock: ManualClock
) -> None:
    session = make.session("cookie", "c-1")
    segment = make.segment("Browsing", "Session")
    make.assign_in_session(session, segment)
    clock.advance(timedelta(minutes=30))

    ended = client.post(
        f"/api/v2/journey/sessions/{session}/end", json={}, headers=make.headers
    )
    again = client.post(
        f"/api/v2/journey/sessions/{session}/end", json={}, headers=make.headers
    )

    assert ended.status_code == 200
    assert ended.json()["endedDate"] == "2026-01-05T12:30:00.000Z"
    assert again.status_code == 409
    [entity] = make.listing(f"/api/v2/journey/sessions/{session}/segments")["entities"]
    assert entity["state"] == "Unassigned"
    assert entity["dateUnassigned"] == "2026-01-05T12:30:00.000Z"
    assert entity["session"]["type"] == "web"
    refused = client.post(
        f"/api/v2/journey/sessions/{session}/segments",
        json=[{"segmentId": segment, "state": "Assigned"}],
        headers=make.headers,
    )
    assert refused.status_code == 400


def test_50_concurrent_assign_and_unassign_requests_leave_one_row(
    client: TestClient, make: Maker, services: Services
) -> None:
    contact = make.contact()
    segment = make.segment()

    def change(index: int) -> int:
        state = "Assigned" if index % 2 == 0 else "Unassigned"
        response = client.post(
            f"/api/v2/journey/externalcontacts/{contact}/segments",
            json=[{"segmentId": segment, "state": state}],
            headers=make.headers,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(change, range(50)))

    assert statuses == [204] * 50
    rows = services.db.fetch_all("SELECT state FROM segment_assignments")
    assert len(rows) == 1
    [entity] = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")[
        "entities"
    ]
    assert entity["state"] == rows[0]["state"]
    assert ("dateUnassigned" in entity) == (entity["state"] == "Unassigned")
