"""The later Genesys paths: GET/POST /api/v2/externalcontacts/contacts/{id}/
journey/segments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.clock import ManualClock
from tests.conftest import TokenFactory
from tests.segments.conftest import Headers, Maker

CONTACTS = "/api/v2/externalcontacts/contacts"


def path(contact: str) -> str:
    return f"{CONTACTS}/{contact}/journey/segments"


def post(client: TestClient, headers: Headers, contact: str, body: Any) -> Any:
    return client.post(path(contact), json=body, headers=headers)


def test_post_assigns_and_get_lists_what_is_in_force(
    client: TestClient, admin: Headers, make: Maker, clock: ManualClock
) -> None:
    first = make.segment("First", assignmentExpirationDays=2)
    second = make.segment("Second")
    contact = make.contact(workEmail="ann@example.com")

    response = post(client, admin, contact, {"assign": {"segments": [{"id": first}]}})
    clock.advance(timedelta(hours=1))
    post(client, admin, contact, {"assign": {"segments": [{"id": second}]}})

    assert response.status_code == 200
    assert response.json() == {"unprocessedItems": {"count": 0}}
    contact_ref = {"id": contact, "selfUri": f"{CONTACTS}/{contact}"}
    assert make.listing(path(contact)) == {
        "entities": [
            {
                "dateAssigned": "2026-01-05T13:00:00.000Z",
                "dateForUnassignment": "2026-02-04T13:00:00.000Z",
                "segment": {
                    "id": second,
                    "selfUri": f"/api/v2/journey/segments/{second}",
                },
                "externalContact": contact_ref,
            },
            {
                "dateAssigned": "2026-01-05T12:00:00.000Z",
                "dateForUnassignment": "2026-01-07T12:00:00.000Z",
                "segment": {
                    "id": first,
                    "selfUri": f"/api/v2/journey/segments/{first}",
                },
                "externalContact": contact_ref,
            },
        ]
    }
    assert [item["segment"]["id"] for item in make.listing(path(contact), limit="1")[
        "entities"
    ]] == [second]  # fmt: skip
    assert len(make.listing(path(contact), includeMerged="true")["entities"]) == 2

    # Lapsed and unassigned assignments are not in force.
    clock.advance(timedelta(days=2))
    assert [
        item["segment"]["id"] for item in make.listing(path(contact))["entities"]
    ] == [second]
    unassign = {"unassign": {"segments": [{"id": second}]}}
    assert post(client, admin, contact, unassign).json() == {
        "unprocessedItems": {"count": 0}
    }
    assert make.listing(path(contact)) == {"entities": []}
    # The same assignments in the 2020 listing, both Unassigned now.
    old = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")
    assert [item["state"] for item in old["entities"]] == ["Unassigned", "Unassigned"]


@pytest.mark.parametrize(
    ("limit", "allowed"),
    [
        ("0", "integers from 1 to 500"),
        ("501", "integers from 1 to 500"),
        ("x", "integers from 1 to 500"),
    ],  # fmt: skip
)
def test_limit_is_1_to_500(
    client: TestClient, admin: Headers, make: Maker, limit: str, allowed: str
) -> None:
    contact = make.contact()

    response = client.get(path(contact), params={"limit": limit}, headers=admin)

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "value": limit,
        "field": "limit",
        "allowed": allowed,
    }
    assert make.listing(path(contact), limit="500") == {"entities": []}


def test_post_rules_are_those_of_the_2020_route(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    customer = make.segment("C")
    session = make.segment("S", scope="Session")
    contact = make.contact()
    unknown = "00000000-0000-4000-8000-000000000000"

    wrong = post(client, admin, contact, {"assign": {"segments": [{"id": session}]}})
    twice = post(
        client,
        admin,
        contact,
        {"assign": {"segments": [{"id": customer}]},
         "unassign": {"segments": [{"id": customer}]}},
    )  # fmt: skip
    missing = post(client, admin, contact, {"assign": {"segments": [{"id": unknown}]}})
    mixed = post(
        client,
        admin,
        contact,
        {"assign": {"segments": [{"id": customer}, {"id": unknown}]}},
    )

    assert (wrong.status_code, wrong.json()["messageParams"]) == (
        400,
        {"segmentId": session, "scope": "Session", "allowed": "Customer"},
    )
    assert (twice.status_code, twice.json()["messageParams"]) == (
        400,
        {"segmentId": customer},
    )
    assert missing.status_code == 400
    assert missing.json()["details"] == [
        {"errorCode": "invalid.value", "fieldName": "segmentId", "entityId": unknown}
    ]
    assert mixed.status_code == 400
    assert make.listing(path(contact)) == {"entities": []}


def test_post_bodies_null_empty_and_malformed(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    contact = make.contact()

    empty = post(client, admin, contact, {})
    no_body = client.post(path(contact), headers=admin)
    no_id = post(client, admin, contact, {"assign": {"segments": [{}]}})

    assert (empty.status_code, empty.json()) == (
        200,
        {"unprocessedItems": {"count": 0}},
    )
    assert (no_body.status_code, no_body.json()["code"]) == (400, "bad.request")
    assert no_id.status_code == 400
    assert no_id.json()["messageParams"]["field"] == "assign.segments[0].id"


def test_unknown_contact_is_404_for_both(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    segment = make.segment()
    unknown = "00000000-0000-4000-8000-000000000001"

    for response in (
        client.get(path(unknown), headers=admin),
        post(client, admin, unknown, {"assign": {"segments": [{"id": segment}]}}),
    ):
        assert (response.status_code, response.json()["entityId"]) == (404, unknown)


def test_permissions(client: TestClient, token_for: TokenFactory, make: Maker) -> None:
    segment = make.segment()
    contact = make.contact()
    assign = {"assign": {"segments": [{"id": segment}]}}
    unassign = {"unassign": {"segments": [{"id": segment}]}}

    viewer = token_for("journey:segmentassignment:view")
    adder = token_for("journey:segmentassignment:add")
    refused_get = client.get(path(contact), headers=adder)
    refused_post = post(client, viewer, contact, assign)
    refused_unassign = post(client, adder, contact, unassign)

    assert refused_get.json()["messageParams"] == {
        "permissions": "[journey:segmentassignment:view]"
    }
    assert refused_post.json()["messageParams"] == {
        "permissions": "[journey:segmentassignment:add,"
        " journey:segmentassignment:delete]"
    }
    assert refused_unassign.status_code == 403
    assert refused_unassign.json()["messageParams"] == {
        "permissions": "[journey:segmentassignment:delete]"
    }
    assert post(client, adder, contact, assign).status_code == 200
    assert len(client.get(path(contact), headers=viewer).json()["entities"]) == 1
