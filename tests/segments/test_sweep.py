"""The expiry sweep: started by the server, and harmless when several run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient

from journeyapi.analytics import outbox
from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.auth.service import Principal
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.http.app import create_app
from journeyapi.models.externalcontacts import ExternalContact
from journeyapi.models.segments import (
    AssignmentState,
    Segment,
    SegmentAssignmentsUpdate,
)
from journeyapi.segments import store
from journeyapi.services import Services
from journeyapi.storage import migrate
from tests.segments.conftest import Maker

OPERATOR = Principal("test", frozenset(ALL_PERMISSIONS))


def wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def unassigned_events(services: Services) -> list[str]:
    return [
        str(item.event.id)
        for item in outbox.pending(services.db, limit=100_000)
        if item.event.event_type.value == "segmentUnassigned"
    ]


def test_the_server_sweeps_a_lapsed_assignment_once(
    database_url: str, clock: ManualClock
) -> None:
    settings = Settings(
        database_url=database_url,
        expiry_sweep_seconds=0.05,
        events_relay_interval_seconds=0.05,
    )
    app = create_app(settings, clock)
    with TestClient(app) as client:
        services: Services = app.state.services
        created = services.auth.create_client("a", permissions=ALL_PERMISSIONS)
        token = services.auth.issue_token(created.client_id, 400 * 86400)
        make = Maker(client, {"Authorization": f"Bearer {token.access_token}"})
        contact = make.contact()
        segment = make.segment(assignmentExpirationDays=1)
        make.assign(contact, segment)
        assert wait_for(lambda: services.analytics.events.count() == 1)

        clock.advance(timedelta(days=1, milliseconds=1))

        def stored_state() -> str:
            row = services.db.fetch_one("SELECT state FROM segment_assignments")
            assert row is not None
            return str(row["state"])

        assert wait_for(lambda: stored_state() == "Unassigned")
        assert wait_for(lambda: services.analytics.events.count() == 2)
        # More sweeps and relay rounds change nothing.
        time.sleep(0.5)
        assert services.analytics.events.count() == 2
        assert outbox.pending(services.db) == []
        row = services.db.fetch_one(
            "SELECT unassigned_ms, modified_ms FROM segment_assignments"
        )
        assert row is not None
        expiry_ms = int(clock.now().timestamp() * 1000) - 1
        assert (row["unassigned_ms"], row["modified_ms"]) == (expiry_ms, expiry_ms)
        [entity] = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")[
            "entities"
        ]
        assert entity["state"] == "Unassigned"
        assert entity["dateUnassigned"] == "2026-01-06T12:00:00.000Z"


def lapse_many(services: Services, clock: ManualClock, count: int) -> None:
    contact = services.external_contacts.create(ExternalContact(first_name="Ann")).id
    assert contact is not None
    for index in range(count):
        segment = services.segments.create(
            Segment(
                display_name=f"S{index}", scope="Customer", assignment_expiration_days=1
            )
        ).id
        assert segment is not None
        services.assignments.update_for_contact(
            contact,
            [
                SegmentAssignmentsUpdate(
                    segment_id=segment, state=AssignmentState.ASSIGNED
                )
            ],
            OPERATOR,
        )
    clock.advance(timedelta(days=2))


def test_two_racing_sweeps_write_each_lapse_and_its_event_once(
    database_url: str, clock: ManualClock
) -> None:
    # Two Services on one database stand for two server processes.
    migrate.upgrade(database_url)
    first = Services.build(Settings(database_url=database_url), clock)
    second = Services.build(Settings(database_url=database_url), clock)
    try:
        lapse_many(first, clock, 1200)
        start = threading.Barrier(2)
        swept: dict[str, int] = {}

        def sweep(name: str, services: Services) -> None:
            start.wait()
            swept[name] = services.assignments.persist_lapsed()

        threads = [
            threading.Thread(target=sweep, args=(name, services))
            for name, services in (("first", first), ("second", second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert swept["first"] + swept["second"] == 1200
        events = unassigned_events(first)
        assert len(events) == len(set(events)) == 1200
        row = first.db.fetch_one(
            "SELECT count(*) AS n FROM segment_assignments WHERE state = 'Assigned'"
        )
        assert row is not None and row["n"] == 0
    finally:
        first.close()
        second.close()


def test_a_sweep_that_read_a_row_another_already_wrote_writes_nothing(
    database_url: str, clock: ManualClock
) -> None:
    migrate.upgrade(database_url)
    services = Services.build(Settings(database_url=database_url), clock)
    try:
        lapse_many(services, clock, 1)
        now_ms = int(clock.now().timestamp() * 1000)
        [stale] = store.lapsed_assignments(services.db, now_ms, 10)

        assert services.assignments.persist_lapsed() == 1
        with services.db.transaction():
            _, wrote = services.assignments._persist_lapse(stale)

        assert wrote is False
        assert len(unassigned_events(services)) == 1
    finally:
        services.close()
