"""PATCH /api/v2/journey/actiontargets/{actionTargetId}: a partial update."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_EDIT
from journeyapi.clock import ManualClock
from journeyapi.errors import NotFound
from journeyapi.models.actiontargets import ActionTarget, ServiceLevel
from journeyapi.models.common import KeyValue
from journeyapi.services import Services

TARGET_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
OTHER_ID = "0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"
URL = f"/api/v2/journey/actiontargets/{TARGET_ID}"
MAX_DURATION_MS = 2**53 - 1

ORIGINAL = {
    "id": TARGET_ID,
    "name": "Sales",
    "userData": [{"key": "region", "value": "EMEA"}],
    "supportedMediaTypes": ["webchat", "call"],
    "state": "active",
    "description": "Sales team queue",
    "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
    "selfUri": URL,
    "createdDate": "2026-01-05T12:00:00.000Z",
    "modifiedDate": "2026-01-05T12:00:00.000Z",
}

# The clock after it has been moved on by LATER (well within a token's life).
LATER = timedelta(minutes=5, milliseconds=250)
LATER_TEXT = "2026-01-05T12:05:00.250Z"


@pytest.fixture
def editor(token_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token_for(ACTION_TARGET_EDIT)


@pytest.fixture
def target(services: Services) -> ActionTarget:
    return services.action_targets.create(
        ActionTarget(
            id=TARGET_ID,
            name="Sales",
            user_data=[KeyValue(key="region", value="EMEA")],
            supported_media_types=["webchat", "call"],
            description="Sales team queue",
            service_level=ServiceLevel(percentage=0.8, duration_ms=20000),
        )
    )


def stored(services: Services) -> dict[str, Any]:
    return services.action_targets.get(TARGET_ID).to_wire()


def invalid_value(body: dict[str, Any], value: str, field: str, allowed: str) -> None:
    assert body["code"] == "invalid.value"
    assert body["status"] == 400
    assert body["messageParams"] == {"value": value, "field": field, "allowed": allowed}
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": field}]


def test_name_alone_changes_only_the_name(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    clock.advance(LATER)

    response = client.patch(URL, json={"name": "Inside sales"}, headers=editor)

    assert response.status_code == 200
    expected = {**ORIGINAL, "name": "Inside sales", "modifiedDate": LATER_TEXT}
    assert response.json() == expected
    assert stored(services) == expected


def test_service_level_alone_changes_only_the_service_level(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    clock.advance(LATER)

    response = client.patch(
        URL,
        json={"serviceLevel": {"percentage": 0.9, "durationMs": 30000}},
        headers=editor,
    )

    assert response.status_code == 200
    expected = {
        **ORIGINAL,
        "serviceLevel": {"percentage": 0.9, "durationMs": 30000},
        "modifiedDate": LATER_TEXT,
    }
    assert response.json() == expected
    assert stored(services) == expected


def test_name_and_service_level_together(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(
        URL,
        json={"name": "Support", "serviceLevel": {"percentage": 1, "durationMs": 1}},
        headers=editor,
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Support"
    assert response.json()["serviceLevel"] == {"percentage": 1.0, "durationMs": 1}
    assert stored(services) == response.json()


def test_service_level_is_replaced_whole_so_a_partial_one_is_400(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(
        URL, json={"serviceLevel": {"percentage": 0.95}}, headers=editor
    )

    # durationMs would not be kept from the old objective (the object is
    # replaced), so leaving it out is refused rather than storing half of one.
    assert response.status_code == 400
    invalid_value(
        response.json(),
        "null",
        "serviceLevel.durationMs",
        f"integers from 1 to {MAX_DURATION_MS}",
    )
    assert stored(services) == ORIGINAL


def test_empty_object_changes_nothing_not_even_modified_date(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    clock.advance(LATER)

    response = client.patch(URL, json={}, headers=editor)

    assert response.status_code == 200
    assert response.json() == ORIGINAL
    assert stored(services) == ORIGINAL


def test_unknown_fields_are_ignored(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    clock.advance(LATER)

    only_unknown = client.patch(URL, json={"colour": "red", "x": None}, headers=editor)
    with_name = client.patch(
        URL, json={"colour": "red", "name": "Support"}, headers=editor
    )

    assert only_unknown.status_code == 200
    assert only_unknown.json() == ORIGINAL
    assert with_name.status_code == 200
    assert with_name.json() == {
        **ORIGINAL,
        "name": "Support",
        "modifiedDate": LATER_TEXT,
    }
    assert "colour" not in with_name.json()


def test_read_only_fields_are_ignored(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    editor: dict[str, str],
    target: ActionTarget,
) -> None:
    clock.advance(LATER)
    read_only = {
        "id": OTHER_ID,
        "selfUri": f"/api/v2/journey/actiontargets/{OTHER_ID}",
        "state": "deleted",
        "createdDate": "2000-01-01T00:00:00.000Z",
        "modifiedDate": "2000-01-01T00:00:00.000Z",
        # Writable on the target, but not through this operation.
        "description": "changed",
        "userData": [],
        "supportedMediaTypes": ["email"],
    }

    alone = client.patch(URL, json=read_only, headers=editor)
    with_name = client.patch(URL, json={**read_only, "name": "Support"}, headers=editor)

    assert alone.status_code == 200
    assert alone.json() == ORIGINAL
    assert with_name.status_code == 200
    assert with_name.json() == {
        **ORIGINAL,
        "name": "Support",
        "modifiedDate": LATER_TEXT,
    }
    assert stored(services) == with_name.json()
    with pytest.raises(NotFound):
        services.action_targets.get(OTHER_ID)


def test_modified_date_comes_from_the_clock(
    client: TestClient,
    services: Services,
    clock: ManualClock,
    token_for: Callable[..., dict[str, str]],
    target: ActionTarget,
) -> None:
    clock.advance(timedelta(days=3, seconds=7, milliseconds=9))
    editor = token_for(ACTION_TARGET_EDIT)
    first = client.patch(URL, json={"name": "One"}, headers=editor)
    clock.advance(timedelta(seconds=1))
    second = client.patch(URL, json={"name": "Two"}, headers=editor)

    assert first.json()["modifiedDate"] == "2026-01-08T12:00:07.009Z"
    assert second.json()["modifiedDate"] == "2026-01-08T12:00:08.009Z"
    assert second.json()["createdDate"] == "2026-01-05T12:00:00.000Z"


def test_null_body_is_400_bad_request(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(
        URL,
        content=b"null",
        headers={**editor, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad.request"
    assert body["message"] == (
        "The request needs a JSON body; an empty object changes nothing."
    )
    assert body["messageParams"] == {}
    assert stored(services) == ORIGINAL


def test_missing_body_is_400_bad_request(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(URL, headers=editor)

    assert response.status_code == 400
    assert response.json()["code"] == "bad.request"
    assert stored(services) == ORIGINAL


def test_body_without_content_type_is_read_as_json(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(URL, content=b'{"name": "Support"}', headers=editor)

    assert response.status_code == 200
    assert response.json()["name"] == "Support"


@pytest.mark.parametrize("percentage", [-0.01, 1.01, 2.5])
def test_percentage_outside_0_to_1_is_400(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    percentage: float,
) -> None:
    response = client.patch(
        URL,
        json={"serviceLevel": {"percentage": percentage, "durationMs": 20000}},
        headers=editor,
    )

    assert response.status_code == 400
    invalid_value(
        response.json(),
        str(percentage),
        "serviceLevel.percentage",
        "numbers from 0 to 1",
    )
    assert stored(services) == ORIGINAL


@pytest.mark.parametrize("percentage", [0, 1])
def test_percentage_bounds_are_allowed(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    percentage: int,
) -> None:
    response = client.patch(
        URL,
        json={"serviceLevel": {"percentage": percentage, "durationMs": 20000}},
        headers=editor,
    )

    assert response.status_code == 200
    level = {"percentage": float(percentage), "durationMs": 20000}
    assert response.json()["serviceLevel"] == level
    assert stored(services)["serviceLevel"] == level


@pytest.mark.parametrize("duration", [0, -1, MAX_DURATION_MS + 1])
def test_duration_outside_range_is_400(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    duration: int,
) -> None:
    response = client.patch(
        URL,
        json={"serviceLevel": {"percentage": 0.8, "durationMs": duration}},
        headers=editor,
    )

    assert response.status_code == 400
    invalid_value(
        response.json(),
        str(duration),
        "serviceLevel.durationMs",
        f"integers from 1 to {MAX_DURATION_MS}",
    )
    assert stored(services) == ORIGINAL


@pytest.mark.parametrize("duration", [1, MAX_DURATION_MS])
def test_duration_bounds_are_allowed(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    duration: int,
) -> None:
    response = client.patch(
        URL,
        json={"serviceLevel": {"percentage": 0.8, "durationMs": duration}},
        headers=editor,
    )

    assert response.status_code == 200
    level = {"percentage": 0.8, "durationMs": duration}
    assert response.json()["serviceLevel"] == level
    assert stored(services)["serviceLevel"] == level


def test_service_level_of_the_wrong_type_is_400(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(
        URL, json={"serviceLevel": {"percentage": "high"}}, headers=editor
    )

    assert response.status_code == 400
    invalid_value(response.json(), "high", "serviceLevel.percentage", "numbers")
    assert stored(services) == ORIGINAL


def test_null_service_level_is_400(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(URL, json={"serviceLevel": None}, headers=editor)

    assert response.status_code == 400
    invalid_value(
        response.json(),
        "null",
        "serviceLevel",
        "objects with percentage and durationMs",
    )
    assert stored(services) == ORIGINAL


@pytest.mark.parametrize(("name", "shown"), [("", ""), ("   ", "   "), (None, "null")])
def test_empty_or_null_name_is_400(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    name: str | None,
    shown: str,
) -> None:
    response = client.patch(URL, json={"name": name}, headers=editor)

    assert response.status_code == 400
    invalid_value(response.json(), shown, "name", "non-empty strings")
    assert stored(services) == ORIGINAL


def test_name_of_the_wrong_type_is_400(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(URL, json={"name": 5}, headers=editor)

    assert response.status_code == 400
    invalid_value(response.json(), "5", "name", "strings")


def test_a_bad_field_leaves_the_good_ones_unwritten(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    response = client.patch(
        URL,
        json={"name": "Support", "serviceLevel": {"percentage": 2}},
        headers=editor,
    )

    assert response.status_code == 400
    assert stored(services) == ORIGINAL


def test_short_abandon_threshold_is_writable(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    accepted = client.patch(URL, json={"shortAbandonThreshold": 10}, headers=editor)
    refused = client.patch(URL, json={"shortAbandonThreshold": -1}, headers=editor)

    assert accepted.status_code == 200
    assert accepted.json()["shortAbandonThreshold"] == 10
    assert refused.status_code == 400
    invalid_value(
        refused.json(),
        "-1",
        "shortAbandonThreshold",
        f"integers from 0 to {2**31 - 1}",
    )
    assert stored(services)["shortAbandonThreshold"] == 10


def test_unknown_id_is_404(
    client: TestClient, services: Services, editor: dict[str, str], target: ActionTarget
) -> None:
    url = f"/api/v2/journey/actiontargets/{OTHER_ID}"

    with_change = client.patch(url, json={"name": "Support"}, headers=editor)
    empty = client.patch(url, json={}, headers=editor)

    for response in (with_change, empty):
        assert response.status_code == 404
        assert response.json()["code"] == "not.found"
        assert response.json()["entityId"] == OTHER_ID


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml"],
)
def test_non_json_content_type_is_415(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    content_type: str,
) -> None:
    response = client.patch(
        URL,
        content=b'{"name": "Support"}',
        headers={**editor, "Content-Type": content_type},
    )

    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported.media.type"
    assert body["status"] == 415
    assert body["message"] == (
        "Unsupported Media Type - Unsupported or incorrect media type, such as an "
        "incorrect Content-Type value in the header."
    )
    assert stored(services) == ORIGINAL


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/merge-patch+json"]
)
def test_json_content_types_with_parameters_or_suffix_are_accepted(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    content_type: str,
) -> None:
    response = client.patch(
        URL,
        content=b'{"name": "Support"}',
        headers={**editor, "Content-Type": content_type},
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Support"


@pytest.mark.parametrize("text", [b'{"name": ', b"{name: 'x'}", b"nul"])
def test_malformed_json_is_400_bad_request(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    text: bytes,
) -> None:
    response = client.patch(
        URL, content=text, headers={**editor, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad.request"
    assert body["message"] == "The request body is not valid JSON."
    assert stored(services) == ORIGINAL


@pytest.mark.parametrize(
    ("payload", "shown"),
    [([], "[]"), ([{"name": "Support"}], '[{"name": "Support"}]'), ("x", "x")],
)
def test_body_that_is_not_an_object_is_400(
    client: TestClient,
    services: Services,
    editor: dict[str, str],
    target: ActionTarget,
    payload: object,
    shown: str,
) -> None:
    response = client.patch(URL, json=payload, headers=editor)

    assert response.status_code == 400
    invalid_value(response.json(), shown, "body", "JSON objects")
    assert stored(services) == ORIGINAL
