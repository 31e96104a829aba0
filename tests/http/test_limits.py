"""Request limits: body size (413), JSON nesting (400), path parameter length."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_ADD, ACTION_TARGET_EDIT
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.errors import ApiError
from journeyapi.http.app import create_app
from journeyapi.limits import (
    Limits,
    check_items,
    check_length,
    json_depth_exceeds,
)
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"


@pytest.fixture
def small(database_url: str, clock: ManualClock) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        max_body_bytes=200,
        max_json_depth=5,
        max_path_parameter_length=40,
    )
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture
def target(small: TestClient) -> tuple[str, dict[str, str]]:
    services: Services = small.app.state.services  # type: ignore[attr-defined]
    created = services.auth.create_client(
        "limits", permissions=(ACTION_TARGET_ADD, ACTION_TARGET_EDIT)
    )
    token = services.auth.issue_token(created.client_id, 3600).access_token
    headers = {"Authorization": f"Bearer {token}"}
    target_id = small.post(PATH, json={"name": "Sales"}, headers=headers).json()["id"]
    return target_id, headers


def name_of(small: TestClient, target_id: str) -> str | None:
    services: Services = small.app.state.services  # type: ignore[attr-defined]
    return services.action_targets.get(target_id).name


def error(body: dict[str, Any], status: int, code: str, message: str) -> None:
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"] == message


def test_a_body_over_the_limit_is_413_and_changes_nothing(
    small: TestClient, target: tuple[str, dict[str, str]]
) -> None:
    target_id, headers = target
    body = '{"name": "' + "x" * 200 + '"}'

    answer = small.patch(
        f"{PATH}/{target_id}",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )

    assert answer.status_code == 413
    assert answer.json() == {
        "message": "The request is over the size limit. Maximum bytes: 200",
        "code": "request.entity.too.large",
        "status": 413,
        "messageWithParams": (
            "The request is over the size limit. Maximum bytes: {maximum}"
        ),
        "messageParams": {"maximum": "200"},
        "contextId": answer.headers["ININ-Correlation-Id"],
        "details": [],
        "errors": [],
    }
    assert name_of(small, target_id) == "Sales"


def test_a_chunked_body_over_the_limit_is_413_too(
    small: TestClient, target: tuple[str, dict[str, str]]
) -> None:
    target_id, headers = target

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(30):
            yield b"0123456789"
        yield b'"}'

    answer = small.patch(
        f"{PATH}/{target_id}",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )

    assert answer.status_code == 413
    assert answer.json()["messageParams"] == {"maximum": "200"}
    assert name_of(small, target_id) == "Sales"


def test_a_body_at_the_limit_is_read(
    small: TestClient, target: tuple[str, dict[str, str]]
) -> None:
    target_id, headers = target
    name = "y" * (200 - len('{"name": ""}'))

    answer = small.patch(
        f"{PATH}/{target_id}",
        content='{"name": "' + name + '"}',
        headers={**headers, "Content-Type": "application/json"},
    )

    assert answer.status_code == 200
    assert name_of(small, target_id) == name


def test_nesting_past_the_limit_is_400_and_changes_nothing(
    small: TestClient, target: tuple[str, dict[str, str]]
) -> None:
    target_id, headers = target

    answer = small.patch(
        f"{PATH}/{target_id}",
        json={"name": "Deep", "extra": [[[[[1]]]]]},
        headers=headers,
    )

    assert answer.status_code == 400
    error(
        answer.json(),
        400,
        "bad.request",
        "The JSON body is nested more than 5 levels deep.",
    )
    assert answer.json()["messageParams"] == {"maximum": "5"}
    assert name_of(small, target_id) == "Sales"


def test_nesting_at_the_limit_and_brackets_in_strings_pass(
    small: TestClient, target: tuple[str, dict[str, str]]
) -> None:
    target_id, headers = target

    answer = small.patch(
        f"{PATH}/{target_id}",
        json={"name": "[[[[{{{{", "extra": [[[[1]]]]},
        headers=headers,
    )

    assert answer.status_code == 200
    assert name_of(small, target_id) == "[[[[{{{{"


def test_a_hostile_depth_is_400_with_the_default_limits(
    client: TestClient, token_for: Any
) -> None:
    headers = token_for(ACTION_TARGET_EDIT)
    body = "[" * 100_000 + "]" * 100_000

    answer = client.patch(
        f"{PATH}/0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )

    assert answer.status_code == 400
    assert answer.json()["messageParams"] == {"maximum": "32"}


def test_a_path_parameter_over_the_limit_is_404_even_for_a_known_id(
    database_url: str, clock: ManualClock
) -> None:
    found = {}
    for longest in (36, 35):
        settings = Settings(
            database_url=database_url, max_path_parameter_length=longest
        )
        with TestClient(create_app(settings, clock)) as client:
            services: Services = client.app.state.services  # type: ignore[attr-defined]
            created = services.auth.create_client(
                "paths", permissions=(ACTION_TARGET_ADD, "journey:actiontarget:view")
            )
            token = services.auth.issue_token(created.client_id, 3600).access_token
            headers = {"Authorization": f"Bearer {token}"}
            if not found:
                made = client.post(PATH, json={"name": "Sales"}, headers=headers)
                found["id"] = made.json()["id"]
            answer = client.get(f"{PATH}/{found['id']}", headers=headers)
            found[longest] = (answer.status_code, answer.json().get("code"))

    assert found[36] == (200, None)
    assert found[35] == (404, "not.found")


def test_the_limits_come_from_the_settings() -> None:
    settings = Settings(
        max_segment_assignments_per_request=7, aggregate_query_timeout_seconds=2.5
    )

    limits = Limits.from_settings(settings)

    assert limits.assignment_updates == 7
    assert limits.aggregate_query_timeout_seconds == 2.5
    assert limits.aggregate_views == 10
    assert limits.body_bytes == 1_048_576


def test_check_items_names_the_field_and_the_limit() -> None:
    check_items("views", [1, 2], 2)
    check_items("views", None, 2)

    with pytest.raises(ApiError) as raised:
        check_items("views", [1, 2, 3], 2)

    assert raised.value.status == 400
    assert raised.value.code == "invalid.value"
    assert raised.value.message == (
        "Value [3 items] is not valid for field type [views]. "
        "Allowable values are: arrays of at most 2 items"
    )
    assert [problem.field_name for problem in raised.value.details] == ["views"]


def test_check_length_names_the_field_and_the_limit() -> None:
    check_length("name", "abc", 3)

    with pytest.raises(ApiError) as raised:
        check_length("name", "abcd", 3)

    assert raised.value.params == {
        "value": "abcd",
        "field": "name",
        "allowed": "strings of at most 3 characters",
    }


@pytest.mark.parametrize(
    ("body", "maximum", "exceeds"),
    [
        (b"{}", 1, False),
        (b"[{}]", 1, True),
        (b'{"a": "[[[[[["}', 1, False),
        (b'{"a": "\\"[[[["}', 1, False),
        (b"[[1], [2], [3], [4]]", 2, False),
        (b"[[1], [2], [[3]]]", 2, True),
        (b"1", 1, False),
    ],
)
def test_json_depth_counts_nesting_not_brackets(
    body: bytes, maximum: int, exceeds: bool
) -> None:
    assert json_depth_exceeds(body, maximum) is exceeds
