"""Cursor paging of the assignment listings: keyset, stable, tamper-evident."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.auth.service import Principal
from journeyapi.clock import ManualClock
from journeyapi.models.segments import (
    AssignmentState,
    Segment,
    SegmentAssignmentsUpdate,
)
from journeyapi.services import Services
from tests.segments.conftest import Maker

OPERATOR = Principal("test", frozenset(ALL_PERMISSIONS))


def assign_many(
    services: Services, clock: ManualClock, contact: str, count: int, days: int = 30
) -> None:
    """``count`` assignments to ``contact``, ten per second of clock time."""
    ids = []
    for index in range(count):
        created = services.segments.create(
            Segment(
                display_name=f"S{index:04d}",
                scope="Customer",
                assignment_expiration_days=days,
            )
        )
        ids.append(str(created.id))
    for start in range(0, count, 10):
        items = [
            SegmentAssignmentsUpdate(segment_id=segment, state=AssignmentState.ASSIGNED)
            for segment in ids[start : start + 10]
        ]
        services.assignments.update_for_contact(contact, items, OPERATOR)
        clock.advance(timedelta(seconds=1))


def walk(make: Maker, path: str, **params: str) -> tuple[list[Any], int]:
    seen: list[Any] = []
    body = make.listing(path, **params)
    pages = 1
    seen += body["entities"]
    while "nextUri" in body:
        body = make.listing(body["nextUri"])
        seen += body["entities"]
        pages += 1
    return seen, pages


def expected_order(services: Services) -> list[str]:
    rows = services.db.fetch_all(
        "SELECT id FROM segment_assignments ORDER BY modified_ms DESC, id"
    )
    return [row["id"] for row in rows]


def test_a_walk_over_1000_assignments_returns_each_once_in_order(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact(workEmail="ann@example.com")
    assign_many(services, clock, contact, 1000)

    seen, pages = walk(
        make, "/api/v2/journey/customers/email/ann%40example.com/segments", pageSize="7"
    )

    assert pages == 143
    assert [entity["id"] for entity in seen] == expected_order(services)
    assert len({entity["id"] for entity in seen}) == 1000


def test_next_uri_repeats_the_other_parameters(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    assign_many(services, clock, contact, 3)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"

    first = make.listing(
        path, pageSize="2", segmentScope="Customer", assignmentState="Assigned"
    )
    last = make.listing(first["nextUri"])

    assert first["selfUri"] == (
        f"{path}?pageSize=2&segmentScope=Customer&assignmentState=Assigned"
    )
    assert first["nextUri"].startswith(
        f"{path}?pageSize=2&segmentScope=Customer&assignmentState=Assigned&after="
    )
    assert len(first["entities"]) == 2
    assert len(last["entities"]) == 1
    assert "nextUri" not in last


def test_rows_added_between_pages_do_not_disturb_the_walk(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    assign_many(services, clock, contact, 50)
    old = expected_order(services)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"

    seen: list[str] = []
    body = make.listing(path, pageSize="7")
    seen += [entity["id"] for entity in body["entities"]]
    while "nextUri" in body:
        assign_many(services, clock, contact, 3)
        body = make.listing(body["nextUri"])
        seen += [entity["id"] for entity in body["entities"]]

    assert [entity for entity in seen if entity in old] == old
    assert len(seen) == len(set(seen))


def test_a_walk_across_rows_that_expire_meanwhile_sees_each_once(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    assign_many(services, clock, contact, 30, days=1)
    old = expected_order(services)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"

    body = make.listing(path, pageSize="7")
    seen = [entity["id"] for entity in body["entities"]]
    clock.advance(timedelta(days=1))  # every row lapses while the walk goes on
    while "nextUri" in body:
        body = make.listing(body["nextUri"])
        seen += [entity["id"] for entity in body["entities"]]
        assert {entity["state"] for entity in body["entities"]} == {"Unassigned"}

    assert seen == old


def test_a_fresh_walk_orders_lapsed_rows_by_their_expiry(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    short = make.segment("Short", assignmentExpirationDays=1)
    long = make.segment("Long", assignmentExpirationDays=30)
    make.assign(contact, short)
    clock.advance(timedelta(hours=1))
    make.assign(contact, long)
    clock.advance(timedelta(days=2))

    body = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")

    assert [entity["segment"]["id"] for entity in body["entities"]] == [short, long]
    assert [entity["dateModified"] for entity in body["entities"]] == [
        "2026-01-06T12:00:00.000Z",
        "2026-01-05T13:00:00.000Z",
    ]


@pytest.fixture
def cursor(make: Maker, services: Services, clock: ManualClock) -> tuple[str, str]:
    contact = make.contact(workEmail="ann@example.com")
    assign_many(services, clock, contact, 5)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"
    after = make.listing(path, pageSize="2")["nextUri"].rsplit("after=", 1)[1]
    return path, after


def bad_cursor(client: TestClient, make: Maker, path: str, after: str) -> None:
    response = client.get(
        path, params={"pageSize": "2", "after": after}, headers=make.headers
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid.value"
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": "after"}]
    assert body["messageParams"] == {
        "value": after,
        "field": "after",
        "allowed": "a cursor from the nextUri of this same listing",
    }
    assert body["message"] == (
        f"Value [{after}] is not valid for field type [after]. Allowable values"
        " are: a cursor from the nextUri of this same listing"
    )


def test_a_tampered_cursor_is_400(
    client: TestClient, make: Maker, cursor: tuple[str, str]
) -> None:
    path, after = cursor
    payload, signature = after.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]

    bad_cursor(client, make, path, f"{flipped}.{signature}")


def test_a_truncated_or_garbled_cursor_is_400(
    client: TestClient, make: Maker, cursor: tuple[str, str]
) -> None:
    path, after = cursor

    bad_cursor(client, make, path, after[:-3])
    bad_cursor(client, make, path, after.split(".")[0])
    bad_cursor(client, make, path, "not a cursor")


def test_a_cursor_of_another_listing_is_400(
    client: TestClient, make: Maker, cursor: tuple[str, str]
) -> None:
    path, after = cursor
    other = make.contact(firstName="Bob")

    bad_cursor(
        client, make, f"/api/v2/journey/externalcontacts/{other}/segments", after
    )
    bad_cursor(
        client,
        make,
        "/api/v2/journey/customers/email/ann%40example.com/segments",
        after,
    )
    response = client.get(
        path,
        params={"pageSize": "2", "after": after, "assignmentState": "Assigned"},
        headers=make.headers,
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["0", "201", "-1", "ten", "2.5", ""])
def test_a_bad_page_size_is_400_naming_it(
    client: TestClient, make: Maker, value: str
) -> None:
    contact = make.contact()

    response = client.get(
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        params={"pageSize": value},
        headers=make.headers,
    )

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "value": value,
        "field": "pageSize",
        "allowed": "integers from 1 to 200",
    }


def test_page_size_200_is_allowed_and_the_default_is_25(
    make: Maker, services: Services, clock: ManualClock
) -> None:
    contact = make.contact()
    assign_many(services, clock, contact, 30)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"

    assert len(make.listing(path)["entities"]) == 25
    assert len(make.listing(path, pageSize="200")["entities"]) == 30


@pytest.mark.parametrize(
    ("name", "value", "allowed"),
    [
        ("segmentScope", "session", "Session, Customer"),
        ("assignmentState", "assigned", "Assigned, Unassigned"),
    ],
)
def test_enum_values_match_exactly(
    client: TestClient, make: Maker, name: str, value: str, allowed: str
) -> None:
    contact = make.contact()

    response = client.get(
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        params={name: value},
        headers=make.headers,
    )

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "value": value,
        "field": name,
        "allowed": allowed,
    }
