"""Action target numbers are typed strictly, and a service level comes whole.

``"0.5"`` is not a percentage, ``true`` is no number at all and ``7.0`` is not
a duration: each is 400 ``invalid.value`` naming the field, on PATCH and on
create alike, and nothing is stored. A JSON integer is a fine percentage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_ADD, ACTION_TARGET_EDIT
from journeyapi.models.actiontargets import ActionTarget, ServiceLevel
from journeyapi.services import Services
from tests.errors import assert_invalid_value

PATH = "/api/v2/journey/actiontargets"
TARGET_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
URL = f"{PATH}/{TARGET_ID}"
MAX_DURATION_MS = 2**53 - 1
DURATIONS = f"integers from 1 to {MAX_DURATION_MS}"

PERCENTAGE = "serviceLevel.percentage"
DURATION = "serviceLevel.durationMs"
THRESHOLD = "shortAbandonThreshold"

# (body, the value as the error shows it, the field); what is allowed follows.
WRONG_TYPES = [
    ({"serviceLevel": {"percentage": "0.5", "durationMs": 1}}, "0.5", PERCENTAGE),
    ({"serviceLevel": {"percentage": True, "durationMs": 1}}, "true", PERCENTAGE),
    ({"serviceLevel": {"percentage": False, "durationMs": 1}}, "false", PERCENTAGE),
    ({"serviceLevel": {"percentage": 0.5, "durationMs": True}}, "true", DURATION),
    ({"serviceLevel": {"percentage": 0.5, "durationMs": "7"}}, "7", DURATION),
    ({"serviceLevel": {"percentage": 0.5, "durationMs": 7.0}}, "7.0", DURATION),
    ({"shortAbandonThreshold": "5"}, "5", THRESHOLD),
    ({"shortAbandonThreshold": True}, "true", THRESHOLD),
    ({"shortAbandonThreshold": 5.0}, "5.0", THRESHOLD),
]
WRONG_TYPE_CASES = [
    (body, shown, field, "numbers" if field == PERCENTAGE else "integers")
    for body, shown, field in WRONG_TYPES
]

# (service level, the field named, the allowed values)
PARTIAL_LEVELS = [
    ({}, PERCENTAGE, "numbers from 0 to 1"),
    ({"percentage": 0.5}, DURATION, DURATIONS),
    ({"durationMs": 7}, PERCENTAGE, "numbers from 0 to 1"),
    ({"percentage": None, "durationMs": 7}, PERCENTAGE, "numbers from 0 to 1"),
    ({"percentage": 0.5, "durationMs": None}, DURATION, DURATIONS),
]


@pytest.fixture
def editor(token_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token_for(ACTION_TARGET_EDIT, ACTION_TARGET_ADD)


@pytest.fixture
def target(services: Services) -> ActionTarget:
    return services.action_targets.create(
        ActionTarget(
            id=TARGET_ID,
            name="Sales",
            service_level=ServiceLevel(percentage=0.8, duration_ms=20000),
            short_abandon_threshold=3,
        )
    )


def every_target(services: Services) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in services.db.fetch_all("SELECT * FROM action_targets ORDER BY id")
    ]


def patch(client: TestClient, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.patch(URL, json=body, headers=headers)


def create(client: TestClient, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(PATH, json={"name": "Support", **body}, headers=headers)


@pytest.mark.parametrize("send", [patch, create], ids=["patch", "create"])
@pytest.mark.parametrize(("body", "shown", "field", "allowed"), WRONG_TYPE_CASES)
def test_a_number_of_the_wrong_json_type_is_400(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    send: Callable[..., Any],
    body: dict[str, Any],
    shown: str,
    field: str,
    allowed: str,
) -> None:
    before = every_target(services)

    response = send(client, body, editor)

    assert_invalid_value(response, shown, field, allowed)
    assert every_target(services) == before


@pytest.mark.parametrize(("level", "field", "allowed"), PARTIAL_LEVELS)
def test_patch_with_a_partial_service_level_is_400_naming_the_missing_field(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    level: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    before = every_target(services)

    response = client.patch(URL, json={"serviceLevel": level}, headers=editor)

    assert_invalid_value(response, "null", field, allowed)
    assert every_target(services) == before


@pytest.mark.parametrize(("level", "field", "allowed"), PARTIAL_LEVELS)
def test_create_with_a_partial_service_level_is_400_naming_the_missing_field(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    level: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    response = client.post(
        PATH, json={"name": "Support", "serviceLevel": level}, headers=editor
    )

    assert_invalid_value(response, "null", field, allowed)
    assert every_target(services) == []


def test_an_integer_percentage_and_integer_threshold_are_accepted(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    body = {
        "serviceLevel": {"percentage": 1, "durationMs": 7},
        "shortAbandonThreshold": 0,
    }

    response = client.patch(URL, json=body, headers=editor)

    assert response.status_code == 200
    wire = services.action_targets.get(TARGET_ID).to_wire()
    assert response.json() == wire
    assert wire["serviceLevel"] == {"percentage": 1.0, "durationMs": 7}
    assert wire["shortAbandonThreshold"] == 0


def test_create_without_a_service_level_still_gets_the_default(
    client: TestClient, editor: dict[str, str]
) -> None:
    for body in ({"name": "Support"}, {"name": "Support", "serviceLevel": None}):
        response = client.post(PATH, json=body, headers=editor)

        assert response.status_code == 201
        assert response.json()["serviceLevel"] == {
            "percentage": 0.8,
            "durationMs": 20000,
        }
