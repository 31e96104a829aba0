"""The segment routes: create, get, list, PATCH, DELETE and their permissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.clock import ManualClock
from journeyapi.services import Services
from tests.conftest import TokenFactory
from tests.segments.conftest import Headers, Maker

SEGMENTS = "/api/v2/journey/segments"
INVALID = "Value [{value}] is not valid for field type [{field}]. Allowable values are: {allowed}"  # noqa: E501
ID = "8b006fca-e97a-40c2-b194-faf749b52528"


def invalid(response: Any, field: str, value: str, allowed: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "invalid.value"
    assert body["messageWithParams"] == INVALID
    assert body["messageParams"] == {"value": value, "field": field, "allowed": allowed}
    assert body["details"][0] == {"errorCode": "invalid.value", "fieldName": field}


def count(services: Services, table: str) -> int:
    row = services.db.fetch_one(f"SELECT count(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


def test_create_answers_201_with_defaults_and_ignores_read_only_fields(
    client: TestClient, admin: Headers
) -> None:
    response = client.post(
        SEGMENTS,
        json={
            "id": ID.upper(),
            "displayName": "Frequent Buyer",
            "scope": "Customer",
            "version": 7,
            "selfUri": "/elsewhere",
            "createdDate": "2020-01-01T00:00:00Z",
            "unknown": 1,
        },
        headers=admin,
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": ID,
        "displayName": "Frequent Buyer",
        "scope": "Customer",
        "isActive": True,
        "shouldDisplayToAgent": False,
        "assignmentExpirationDays": 30,
        "version": 1,
        "selfUri": f"{SEGMENTS}/{ID}",
        "createdDate": "2026-01-05T12:00:00.000Z",
        "modifiedDate": "2026-01-05T12:00:00.000Z",
    }
    assert client.get(f"{SEGMENTS}/{ID}", headers=admin).json() == response.json()


def test_create_keeps_every_given_field(client: TestClient, admin: Headers) -> None:
    body = {
        "displayName": "Browsers",
        "description": "Looked, did not buy",
        "color": "#a1B2c3",
        "scope": "Session",
        "isActive": False,
        "shouldDisplayToAgent": True,
        "assignmentExpirationDays": 365,
    }
    response = client.post(SEGMENTS, json=body, headers=admin)

    assert response.status_code == 201
    created = response.json()
    assert {key: created[key] for key in body} == body


@pytest.mark.parametrize(
    ("extra", "field", "value", "allowed"),
    [
        (
            {"displayName": None},
            "displayName",
            "null",
            "non-empty strings of at most 200 characters",
        ),
        (
            {"displayName": "  "},
            "displayName",
            "  ",
            "non-empty strings of at most 200 characters",
        ),
        (
            {"displayName": "x" * 201},
            "displayName",
            "x" * 200 + "...",
            "non-empty strings of at most 200 characters",
        ),
        ({"displayName": 5}, "displayName", "5", "strings"),
        ({"scope": None}, "scope", "null", "Session, Customer"),
        ({"scope": "customer"}, "scope", "customer", "Session, Customer"),
        ({"scope": "CUSTOMER"}, "scope", "CUSTOMER", "Session, Customer"),
        ({"scope": 5}, "scope", "5", "Session, Customer"),
        ({"color": "red"}, "color", "red", "colours of the form #RRGGBB"),
        ({"color": "#12345"}, "color", "#12345", "colours of the form #RRGGBB"),
        ({"color": "#1234567"}, "color", "#1234567", "colours of the form #RRGGBB"),
        (
            {"assignmentExpirationDays": 0},
            "assignmentExpirationDays",
            "0",
            "integers from 1 to 365",
        ),
        (
            {"assignmentExpirationDays": 366},
            "assignmentExpirationDays",
            "366",
            "integers from 1 to 365",
        ),
        (
            {"assignmentExpirationDays": -1},
            "assignmentExpirationDays",
            "-1",
            "integers from 1 to 365",
        ),
        (
            {"assignmentExpirationDays": "5"},
            "assignmentExpirationDays",
            "5",
            "integers",
        ),
        (
            {"assignmentExpirationDays": 1.5},
            "assignmentExpirationDays",
            "1.5",
            "integers",
        ),
        ({"isActive": "yes"}, "isActive", "yes", "true, false"),
        ({"shouldDisplayToAgent": 1}, "shouldDisplayToAgent", "1", "true, false"),
        ({"id": "nope"}, "id", "nope", "UUIDs"),
    ],
)
def test_create_refuses_a_bad_field_and_stores_nothing(
    client: TestClient,
    admin: Headers,
    services: Services,
    extra: dict[str, Any],
    field: str,
    value: str,
    allowed: str,
) -> None:
    body = {"displayName": "VIP", "scope": "Customer", **extra}

    response = client.post(SEGMENTS, json=body, headers=admin)

    invalid(response, field, value, allowed)
    assert count(services, "segments") == 0


def test_create_without_scope_or_name_is_400(
    client: TestClient, admin: Headers
) -> None:
    invalid(
        client.post(SEGMENTS, json={"displayName": "A"}, headers=admin),
        "scope", "null", "Session, Customer",
    )  # fmt: skip
    invalid(
        client.post(SEGMENTS, json={"scope": "Session"}, headers=admin),
        "displayName", "null", "non-empty strings of at most 200 characters",
    )  # fmt: skip


def test_expiration_days_bounds_are_inclusive(make: Maker) -> None:
    for days in (1, 365):
        segment = make.segment(f"D{days}", assignmentExpirationDays=days)
        body = make.listing(f"{SEGMENTS}/{segment}")
        assert body["assignmentExpirationDays"] == days


def test_create_without_a_body_is_400_and_an_existing_id_409(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    response = client.post(SEGMENTS, headers=admin)
    assert response.status_code == 400
    assert response.json()["code"] == "bad.request"
    assert response.json()["message"] == "The request needs a JSON body."

    make.segment("First", id=ID)
    response = client.post(
        SEGMENTS,
        json={"id": ID, "displayName": "Again", "scope": "Session"},
        headers=admin,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["messageParams"] == {"id": ID}
    assert make.listing(f"{SEGMENTS}/{ID}")["displayName"] == "First"


def test_an_unknown_segment_is_404(client: TestClient, admin: Headers) -> None:
    for method in ("GET", "DELETE", "PATCH"):
        response = client.request(
            method, f"{SEGMENTS}/{ID}", headers=admin, json={"displayName": "x"}
        )
        assert response.status_code == 404, method
        assert response.json()["code"] == "not.found"
        assert response.json()["entityId"] == ID


def uri(size: int, number: int) -> str:
    return f"{SEGMENTS}?pageSize={size}&pageNumber={number}"


def test_list_pages_in_display_name_order_with_exact_envelopes(make: Maker) -> None:
    names = ["delta", "Alpha", "charlie", "bravo", "Echo"]
    ids = {name: make.segment(name) for name in names}

    first = make.listing(SEGMENTS, pageSize="2")
    middle = make.listing(SEGMENTS, pageSize="2", pageNumber="2")
    last = make.listing(SEGMENTS, pageSize="2", pageNumber="3")
    past = make.listing(SEGMENTS, pageSize="2", pageNumber="4")

    def envelope(body: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in body.items() if key != "entities"}

    assert [item["displayName"] for item in first["entities"]] == ["Alpha", "Echo"]
    assert envelope(first) == {
        "pageSize": 2, "pageNumber": 1, "total": 5, "pageCount": 3,
        "firstUri": uri(2, 1), "selfUri": uri(2, 1), "nextUri": uri(2, 2),
        "lastUri": uri(2, 3),
    }  # fmt: skip
    assert [item["id"] for item in middle["entities"]] == [ids["bravo"], ids["charlie"]]
    assert envelope(middle) == {
        "pageSize": 2, "pageNumber": 2, "total": 5, "pageCount": 3,
        "firstUri": uri(2, 1), "selfUri": uri(2, 2), "nextUri": uri(2, 3),
        "previousUri": uri(2, 1), "lastUri": uri(2, 3),
    }  # fmt: skip
    assert [item["displayName"] for item in last["entities"]] == ["delta"]
    assert "nextUri" not in last
    assert past["entities"] == []
    assert envelope(past) == {
        "pageSize": 2, "pageNumber": 4, "total": 5, "pageCount": 3,
        "firstUri": uri(2, 1), "selfUri": uri(2, 4), "previousUri": uri(2, 3),
        "lastUri": uri(2, 3),
    }  # fmt: skip


def test_an_empty_list_has_page_one_and_no_pages(make: Maker) -> None:
    assert make.listing(SEGMENTS) == {
        "entities": [], "pageSize": 25, "pageNumber": 1, "total": 0, "pageCount": 0,
        "firstUri": uri(25, 1), "selfUri": uri(25, 1), "lastUri": uri(25, 1),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "field", "value", "allowed"),
    [
        ({"pageSize": "0"}, "pageSize", "0", "integers from 1 to 100"),
        ({"pageSize": "101"}, "pageSize", "101", "integers from 1 to 100"),
        ({"pageSize": "x"}, "pageSize", "x", "integers from 1 to 100"),
        ({"pageNumber": "0"}, "pageNumber", "0", "integers from 1 to 2147483647"),
        ({"pageNumber": "x"}, "pageNumber", "x", "integers from 1 to 2147483647"),
    ],
)
def test_bad_list_paging_is_400(
    client: TestClient,
    admin: Headers,
    params: dict[str, str],
    field: str,
    value: str,
    allowed: str,
) -> None:
    invalid(client.get(SEGMENTS, params=params, headers=admin), field, value, allowed)


def patch(client: TestClient, headers: Headers, segment: str, body: Any) -> Any:
    return client.patch(f"{SEGMENTS}/{segment}", json=body, headers=headers)


def test_patch_changes_only_the_fields_present_and_bumps_the_version(
    client: TestClient, admin: Headers, make: Maker, clock: ManualClock
) -> None:
    segment = make.segment("VIP", description="old", color="#000000")
    clock.advance(timedelta(minutes=5))

    response = patch(client, admin, segment, {"displayName": "VIPs", "version": 1})

    assert response.status_code == 200
    assert response.json() == {
        "id": segment,
        "displayName": "VIPs",
        "description": "old",
        "color": "#000000",
        "scope": "Customer",
        "isActive": True,
        "shouldDisplayToAgent": False,
        "assignmentExpirationDays": 30,
        "version": 2,
        "selfUri": f"{SEGMENTS}/{segment}",
        "createdDate": "2026-01-05T12:00:00.000Z",
        "modifiedDate": "2026-01-05T12:05:00.000Z",
    }
    assert make.listing(f"{SEGMENTS}/{segment}") == response.json()


def test_patch_can_clear_optional_fields(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    segment = make.segment("VIP", description="old", color="#000000")

    body = patch(client, admin, segment, {"description": None, "color": None}).json()

    assert "description" not in body and "color" not in body
    assert body["version"] == 2


def test_a_patch_that_changes_nothing_keeps_version_and_modified_date(
    client: TestClient, admin: Headers, make: Maker, clock: ManualClock
) -> None:
    segment = make.segment("VIP", assignmentExpirationDays=7)
    before = make.listing(f"{SEGMENTS}/{segment}")
    clock.advance(timedelta(hours=1))

    for body in ({}, {"displayName": "VIP", "assignmentExpirationDays": 7},
                 {"scope": "Customer"}, {"isActive": True, "version": 1}):  # fmt: skip
        response = patch(client, admin, segment, body)
        assert response.status_code == 200
        assert response.json() == before


def test_a_stale_version_is_409_and_changes_nothing(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    segment = make.segment("VIP")
    assert patch(client, admin, segment, {"displayName": "B"}).json()["version"] == 2

    response = patch(client, admin, segment, {"displayName": "C", "version": 1})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["entityId"] == segment
    assert body["messageParams"] == {"segmentId": segment, "current": "2", "given": "1"}
    assert body["message"] == (
        f"Segment [{segment}] is at version 2; the change was made against version 1."
    )
    assert make.listing(f"{SEGMENTS}/{segment}")["displayName"] == "B"


def test_the_scope_cannot_change(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    segment = make.segment("VIP", scope="Customer")

    response = patch(client, admin, segment, {"scope": "Session", "displayName": "X"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid.value"
    assert body["messageParams"] == {"value": "Session", "allowed": "Customer"}
    assert body["message"] == (
        "Value [Session] is not valid for field type [scope]. Allowable values are:"
        " Customer (the scope of a segment cannot change)"
    )
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": "scope"}]
    after = make.listing(f"{SEGMENTS}/{segment}")
    assert (after["scope"], after["displayName"], after["version"]) == (
        "Customer", "VIP", 1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        (
            {"displayName": None},
            "displayName",
            "null",
            "non-empty strings of at most 200 characters",
        ),
        (
            {"displayName": ""},
            "displayName",
            "",
            "non-empty strings of at most 200 characters",
        ),
        ({"color": "blue"}, "color", "blue", "colours of the form #RRGGBB"),
        (
            {"assignmentExpirationDays": 0},
            "assignmentExpirationDays",
            "0",
            "integers from 1 to 365",
        ),
        (
            {"assignmentExpirationDays": None},
            "assignmentExpirationDays",
            "null",
            "integers from 1 to 365",
        ),
        ({"isActive": None}, "isActive", "null", "true, false"),
        ({"isActive": "false"}, "isActive", "false", "true, false"),
        ({"shouldDisplayToAgent": None}, "shouldDisplayToAgent", "null", "true, false"),
        ({"scope": 1}, "scope", "1", "Session, Customer"),
        ({"version": "1"}, "version", "1", "integers"),
    ],
)
def test_patch_refuses_a_bad_field_and_changes_nothing(
    client: TestClient,
    admin: Headers,
    make: Maker,
    body: dict[str, Any],
    field: str,
    value: str,
    allowed: str,
) -> None:
    segment = make.segment("VIP")
    before = make.listing(f"{SEGMENTS}/{segment}")

    invalid(patch(client, admin, segment, body), field, value, allowed)
    assert make.listing(f"{SEGMENTS}/{segment}") == before


def test_patch_without_a_body_is_400(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    segment = make.segment("VIP")

    response = client.patch(f"{SEGMENTS}/{segment}", headers=admin)

    assert response.status_code == 400
    assert response.json()["code"] == "bad.request"


def test_delete_removes_the_segment_and_its_assignments(
    client: TestClient, admin: Headers, make: Maker, services: Services
) -> None:
    doomed = make.segment("Doomed")
    kept = make.segment("Kept")
    contact = make.contact(workEmail="ann@example.com")
    make.assign(contact, doomed, kept)

    response = client.delete(f"{SEGMENTS}/{doomed}", headers=admin)

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{SEGMENTS}/{doomed}", headers=admin).status_code == 404
    listed = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")
    assert [item["segment"]["id"] for item in listed["entities"]] == [kept]
    assert count(services, "segment_assignments") == 1
    assert client.delete(f"{SEGMENTS}/{doomed}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "needed"),
    [
        ("GET", SEGMENTS, None, "journey:segment:view"),
        ("GET", f"{SEGMENTS}/{ID}", None, "journey:segment:view"),
        (
            "POST",
            SEGMENTS,
            {"displayName": "A", "scope": "Customer"},
            "journey:segment:add",
        ),
        ("PATCH", f"{SEGMENTS}/{ID}", {"displayName": "B"}, "journey:segment:edit"),
        ("DELETE", f"{SEGMENTS}/{ID}", None, "journey:segment:delete"),
    ],
)
def test_each_route_is_403_naming_its_permission(
    client: TestClient,
    token_for: TokenFactory,
    make: Maker,
    method: str,
    path: str,
    body: Any,
    needed: str,
) -> None:
    make.segment("Target", id=ID)
    others = {
        "journey:segment:view", "journey:segment:add", "journey:segment:edit",
        "journey:segment:delete",
    } - {needed}  # fmt: skip

    response = client.request(method, path, json=body, headers=token_for(*others))

    assert response.status_code == 403
    assert response.json()["code"] == "missing.any.permissions"
    assert response.json()["messageParams"] == {"permissions": f"[{needed}]"}
    target = make.listing(f"{SEGMENTS}/{ID}")
    assert (target["displayName"], target["version"]) == ("Target", 1)
    assert make.listing(SEGMENTS)["total"] == 1

    allowed = client.request(method, path, json=body, headers=token_for(needed))
    assert allowed.status_code in (200, 201, 204)
