"""GET /api/v2/journey/actiontargets/{actionTargetId}."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW
from journeyapi.clock import ManualClock
from journeyapi.models.actiontargets import ActionTarget, ServiceLevel
from journeyapi.models.common import KeyValue
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
SALES_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
NOT_FOUND_MESSAGE = "The requested resource was not found."


def assert_no_nulls(value: Any) -> None:
    assert value is not None
    if isinstance(value, dict):
        for item in value.values():
            assert_no_nulls(item)
    elif isinstance(value, list):
        for item in value:
            assert_no_nulls(item)


@pytest.fixture
def viewer(token_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token_for(ACTION_TARGET_VIEW)


def test_returns_every_field_in_the_wire_form(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    services.action_targets.create(
        ActionTarget(
            id=SALES_ID,
            name="Sales",
            user_data=[KeyValue(key="region", value="EMEA")],
            supported_media_types=["webchat", "call"],
            state="active",
            description="Sales team queue",
            service_level=ServiceLevel(percentage=0.8, duration_ms=20000),
            created_date=datetime(2020, 10, 1, 9, 15, 2, 417000, tzinfo=UTC),
            modified_date=datetime(2020, 11, 2, 16, 40, 11, 3000, tzinfo=UTC),
        )
    )

    response = client.get(f"{PATH}/{SALES_ID}", headers=viewer)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "id": SALES_ID,
        "name": "Sales",
        "userData": [{"key": "region", "value": "EMEA"}],
        "supportedMediaTypes": ["webchat", "call"],
        "state": "active",
        "description": "Sales team queue",
        "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
        "selfUri": f"/api/v2/journey/actiontargets/{SALES_ID}",
        "createdDate": "2020-10-01T09:15:02.417Z",
        "modifiedDate": "2020-11-02T16:40:11.003Z",
    }


def test_absent_values_are_left_out_not_null(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=SALES_ID, name="Sales"))

    response = client.get(f"{PATH}/{SALES_ID}", headers=viewer)

    assert response.status_code == 200
    body = response.json()
    assert_no_nulls(body)
    assert "description" not in body
    assert "shortAbandonThreshold" not in body
    assert body == {
        "id": SALES_ID,
        "name": "Sales",
        "userData": [],
        "supportedMediaTypes": [],
        "state": "active",
        "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
        "selfUri": f"/api/v2/journey/actiontargets/{SALES_ID}",
        "createdDate": "2026-01-05T12:00:00.000Z",
        "modifiedDate": "2026-01-05T12:00:00.000Z",
    }


def test_dates_go_out_in_utc_with_milliseconds_and_z(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    plus_two = timezone(timedelta(hours=2))
    services.action_targets.create(
        ActionTarget(
            id=SALES_ID,
            name="Sales",
            # Microseconds beyond the millisecond are dropped, not rounded.
            created_date=datetime(2021, 3, 4, 1, 2, 3, 456789, tzinfo=plus_two),
            modified_date=datetime(2021, 3, 4, 23, 59, 59, tzinfo=UTC),
        )
    )

    body = client.get(f"{PATH}/{SALES_ID}", headers=viewer).json()

    assert body["createdDate"] == "2021-03-03T23:02:03.456Z"
    assert body["modifiedDate"] == "2021-03-04T23:59:59.000Z"


def test_unknown_id_is_404_not_found(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=SALES_ID, name="Sales"))
    unknown = "0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"

    response = client.get(f"{PATH}/{unknown}", headers=viewer)

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not.found"
    assert body["status"] == 404
    assert body["message"] == NOT_FOUND_MESSAGE
    assert body["messageParams"] == {}
    assert body["entityId"] == unknown


@pytest.mark.parametrize("malformed", ["not-a-uuid", "12345", SALES_ID + "0", "%20"])
def test_malformed_id_is_404_not_found(
    client: TestClient, services: Services, viewer: dict[str, str], malformed: str
) -> None:
    services.action_targets.create(ActionTarget(id=SALES_ID, name="Sales"))

    response = client.get(f"{PATH}/{malformed}", headers=viewer)

    assert response.status_code == 404
    assert response.json()["code"] == "not.found"
    assert response.json()["message"] == NOT_FOUND_MESSAGE


def test_deleted_target_is_still_readable(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    viewer: dict[str, str],
) -> None:
    services.action_targets.create(ActionTarget(id=SALES_ID, name="Sales"))
    clock.advance(timedelta(minutes=5))
    services.action_targets.delete(SALES_ID)

    response = client.get(f"{PATH}/{SALES_ID}", headers=viewer)

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "deleted"
    assert body["name"] == "Sales"
    assert body["createdDate"] == "2026-01-05T12:00:00.000Z"
    assert body["modifiedDate"] == "2026-01-05T12:05:00.000Z"


def test_generated_ids_are_lower_case_uuids(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    created = services.action_targets.create(ActionTarget(name="Support"))
    assert created.id is not None

    body = client.get(f"{PATH}/{created.id}", headers=viewer).json()

    assert body["id"] == str(uuid.UUID(body["id"]))
    assert body["selfUri"] == f"/api/v2/journey/actiontargets/{body['id']}"
