"""The extension routes that provision action targets: POST and DELETE."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import (
    ACTION_TARGET_ADD,
    ACTION_TARGET_DELETE,
    ACTION_TARGET_VIEW,
)
from journeyapi.clock import ManualClock
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.paging import PageRequest
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
TARGET_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"

FULL = {
    "id": TARGET_ID,
    "name": "Sales",
    "userData": [{"key": "region", "value": "EMEA"}],
    "supportedMediaTypes": ["webchat", "call"],
    "state": "inactive",
    "description": "Sales team queue",
    "serviceLevel": {"percentage": 0.75, "durationMs": 15000},
    "shortAbandonThreshold": 5,
    "createdDate": "2020-10-01T09:15:02.417Z",
    "modifiedDate": "2020-11-02T16:40:11.003Z",
}


@pytest.fixture
def admin(token_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token_for(ACTION_TARGET_ADD, ACTION_TARGET_DELETE, ACTION_TARGET_VIEW)


def total(services: Services) -> int:
    return services.action_targets.list_page(PageRequest())[1]


def invalid_value(body: dict[str, Any], value: str, field: str, allowed: str) -> None:
    assert body["code"] == "invalid.value"
    assert body["status"] == 400
    assert body["messageParams"] == {"value": value, "field": field, "allowed": allowed}
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": field}]


def test_create_with_a_name_only_fills_in_the_rest(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(PATH, json={"name": "Support"}, headers=admin)

    assert response.status_code == 201
    body = response.json()
    generated = body["id"]
    assert generated == str(uuid.UUID(generated))
    assert body == {
        "id": generated,
        "name": "Support",
        "userData": [],
        "supportedMediaTypes": [],
        "state": "active",
        "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
        "selfUri": f"{PATH}/{generated}",
        "createdDate": "2026-01-05T12:00:00.000Z",
        "modifiedDate": "2026-01-05T12:00:00.000Z",
    }
    assert client.get(f"{PATH}/{generated}", headers=admin).json() == body


def test_each_create_generates_a_new_id(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    first = client.post(PATH, json={"name": "Support"}, headers=admin)
    second = client.post(PATH, json={"name": "Support"}, headers=admin)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert total(services) == 2


def test_create_keeps_every_given_field(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(PATH, json=FULL, headers=admin)

    assert response.status_code == 201
    expected = {**FULL, "selfUri": f"{PATH}/{TARGET_ID}"}
    assert response.json() == expected
    assert client.get(f"{PATH}/{TARGET_ID}", headers=admin).json() == expected


def test_create_ignores_a_given_self_uri_and_unknown_fields(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH,
        json={"id": TARGET_ID, "name": "Sales", "selfUri": "/elsewhere", "x": 1},
        headers=admin,
    )

    assert response.status_code == 201
    assert response.json()["selfUri"] == f"{PATH}/{TARGET_ID}"
    assert "x" not in response.json()


def test_create_lower_cases_the_id(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH, json={"id": TARGET_ID.upper(), "name": "Sales"}, headers=admin
    )

    assert response.status_code == 201
    assert response.json()["id"] == TARGET_ID
    assert client.get(f"{PATH}/{TARGET_ID}", headers=admin).status_code == 200


def test_create_converts_dates_to_utc(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH,
        json={"name": "Sales", "createdDate": "2021-03-04T01:02:03.456+02:00"},
        headers=admin,
    )

    assert response.status_code == 201
    assert response.json()["createdDate"] == "2021-03-03T23:02:03.456Z"
    # Without a modifiedDate of its own, a new target was last changed when made.
    assert response.json()["modifiedDate"] == "2021-03-03T23:02:03.456Z"


def test_duplicate_id_is_409_conflict(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))

    response = client.post(
        PATH, json={"id": TARGET_ID, "name": "Replacement"}, headers=admin
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["status"] == 409
    assert body["message"] == f"An action target with id [{TARGET_ID}] already exists."
    assert body["messageParams"] == {"id": TARGET_ID}
    assert body["entityId"] == TARGET_ID
    assert services.action_targets.get(TARGET_ID).name == "Sales"
    assert total(services) == 1


def test_bad_state_is_400(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(PATH, json={"name": "Sales", "state": "gone"}, headers=admin)

    assert response.status_code == 400
    invalid_value(response.json(), "gone", "state", "active, inactive, deleted")
    assert total(services) == 0


def test_bad_media_type_is_400(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH,
        json={"name": "Sales", "supportedMediaTypes": ["webchat", "fax"]},
        headers=admin,
    )

    assert response.status_code == 400
    invalid_value(
        response.json(),
        "fax",
        "supportedMediaTypes",
        "callback, call, email, generic, messaging, social, webchat",
    )
    assert total(services) == 0


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ({"name": ""}, ""),
        ({"name": "  "}, "  "),
        ({}, "null"),
        ({"name": None}, "null"),
    ],
)
def test_empty_or_missing_name_is_400(
    client: TestClient,
    services: Services,
    admin: dict[str, str],
    body: dict[str, Any],
    shown: str,
) -> None:
    response = client.post(PATH, json=body, headers=admin)

    assert response.status_code == 400
    invalid_value(response.json(), shown, "name", "non-empty strings")
    assert total(services) == 0


def test_id_that_is_not_a_uuid_is_400(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(PATH, json={"id": "sales", "name": "Sales"}, headers=admin)

    assert response.status_code == 400
    invalid_value(response.json(), "sales", "id", "UUIDs")
    assert total(services) == 0


def test_service_level_out_of_range_is_400(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH,
        json={"name": "Sales", "serviceLevel": {"percentage": 1.5, "durationMs": 1}},
        headers=admin,
    )

    assert response.status_code == 400
    invalid_value(
        response.json(), "1.5", "serviceLevel.percentage", "numbers from 0 to 1"
    )
    assert total(services) == 0


@pytest.mark.parametrize("text", ["2020-10-01T09:15:02", "yesterday"])
def test_date_without_offset_or_garbled_is_400_invalid_date(
    client: TestClient, services: Services, admin: dict[str, str], text: str
) -> None:
    response = client.post(
        PATH, json={"name": "Sales", "createdDate": text}, headers=admin
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid.date"
    assert body["message"] == (
        "Dates must be specified as ISO-8601 strings. "
        "For example: yyyy-MM-ddTHH:mm:ss.SSSZ"
    )
    assert body["messageParams"] == {"value": text, "field": "createdDate"}
    assert body["details"] == [
        {"errorCode": "invalid.date", "fieldName": "createdDate"}
    ]
    assert total(services) == 0


def test_create_with_a_non_json_body_is_415(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    response = client.post(
        PATH,
        content=b'{"name": "Sales"}',
        headers={**admin, "Content-Type": "text/plain"},
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported.media.type"
    assert total(services) == 0


@pytest.mark.parametrize("content", [b"null", b""])
def test_create_without_a_body_is_a_bad_request(
    client: TestClient, services: Services, admin: dict[str, str], content: bytes
) -> None:
    response = client.post(
        PATH, content=content, headers={**admin, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad.request"
    assert response.json()["message"] == (
        "The request needs a JSON body; an empty object changes nothing."
    )
    assert total(services) == 0


@pytest.mark.parametrize(("content", "shown"), [(b"[]", "[]"), (b"42", "42")])
def test_create_with_a_body_that_is_not_an_object_is_400(
    client: TestClient,
    services: Services,
    admin: dict[str, str],
    content: bytes,
    shown: str,
) -> None:
    response = client.post(
        PATH, content=content, headers={**admin, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    invalid_value(response.json(), shown, "body", "JSON objects")
    assert total(services) == 0


def test_delete_marks_the_target_deleted(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    admin: dict[str, str],
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))
    clock.advance(timedelta(minutes=10))

    response = client.delete(f"{PATH}/{TARGET_ID}", headers=admin)

    assert response.status_code == 204
    assert response.content == b""
    read = client.get(f"{PATH}/{TARGET_ID}", headers=admin)
    assert read.status_code == 200
    assert read.json()["state"] == "deleted"
    assert read.json()["name"] == "Sales"
    assert read.json()["createdDate"] == "2026-01-05T12:00:00.000Z"
    assert read.json()["modifiedDate"] == "2026-01-05T12:10:00.000Z"
    assert total(services) == 1


def test_hard_delete_removes_the_target(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))

    response = client.delete(f"{PATH}/{TARGET_ID}?hard=true", headers=admin)

    assert response.status_code == 204
    read = client.get(f"{PATH}/{TARGET_ID}", headers=admin)
    assert read.status_code == 404
    assert read.json()["code"] == "not.found"
    assert total(services) == 0


def test_hard_delete_of_a_soft_deleted_target(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))

    soft = client.delete(f"{PATH}/{TARGET_ID}", headers=admin)
    hard = client.delete(f"{PATH}/{TARGET_ID}", params={"hard": "true"}, headers=admin)

    assert (soft.status_code, hard.status_code) == (204, 204)
    assert client.get(f"{PATH}/{TARGET_ID}", headers=admin).status_code == 404


@pytest.mark.parametrize("query", ["", "?hard=true", "?hard=false"])
def test_delete_of_an_unknown_id_is_404(
    client: TestClient, services: Services, admin: dict[str, str], query: str
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))
    unknown = "0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"

    response = client.delete(f"{PATH}/{unknown}{query}", headers=admin)

    assert response.status_code == 404
    assert response.json()["code"] == "not.found"
    assert response.json()["entityId"] == unknown
    assert services.action_targets.get(TARGET_ID).state == "active"


def test_hard_that_is_not_a_boolean_is_400(
    client: TestClient, services: Services, admin: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))

    response = client.delete(f"{PATH}/{TARGET_ID}?hard=maybe", headers=admin)

    assert response.status_code == 400
    invalid_value(response.json(), "maybe", "hard", "true, false")
    assert services.action_targets.get(TARGET_ID).state == "active"
