"""The error body, correlation ids and the last-resort 500, on every route."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
TARGET_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
UNKNOWN_ID = "0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"

ERROR_KEYS = {
    "message",
    "code",
    "status",
    "messageWithParams",
    "messageParams",
    "contextId",
    "details",
    "errors",
}
INTERNAL_ERROR = (
    "The server encountered an unexpected condition which prevented it from "
    "fulfilling the request."
)

TokenFactory = Callable[..., dict[str, str]]
Call = Callable[[TestClient, dict[str, str]], Response]

# Each failure the HTTP layer can produce without an entity: (name, call, status,
# code). The call gets a token with every permission, except for "no permission",
# whose token has none.
FAILURES: list[tuple[str, Call, int, str]] = [
    ("no token", lambda c, h: c.get(PATH), 401, "authentication.required"),
    (
        "bad token",
        lambda c, h: c.get(PATH, headers={"Authorization": "Bearer nope"}),
        401,
        "bad.credentials",
    ),
    (
        "no permission",
        lambda c, h: c.get(PATH, headers=h),
        403,
        "missing.any.permissions",
    ),
    (
        "bad page size",
        lambda c, h: c.get(PATH, params={"pageSize": 0}, headers=h),
        400,
        "invalid.value",
    ),
    (
        "malformed json",
        lambda c, h: c.patch(
            f"{PATH}/{TARGET_ID}",
            content=b"{",
            headers={**h, "Content-Type": "application/json"},
        ),
        400,
        "bad.request",
    ),
    (
        "null body",
        lambda c, h: c.patch(
            f"{PATH}/{TARGET_ID}",
            content=b"null",
            headers={**h, "Content-Type": "application/json"},
        ),
        400,
        "bad.request",
    ),
    (
        "text body",
        lambda c, h: c.patch(
            f"{PATH}/{TARGET_ID}",
            content=b"{}",
            headers={**h, "Content-Type": "text/plain"},
        ),
        415,
        "unsupported.media.type",
    ),
    (
        "naive date",
        lambda c, h: c.post(
            PATH, json={"name": "N", "createdDate": "2020-01-01T00:00:00"}, headers=h
        ),
        400,
        "invalid.date",
    ),
    (
        "unknown route",
        lambda c, h: c.get("/api/v2/nothing", headers=h),
        404,
        "not.found",
    ),
    ("wrong method", lambda c, h: c.put(PATH, headers=h), 405, "method.not.allowed"),
]


@pytest.fixture
def everything(token_for: TokenFactory) -> dict[str, str]:
    return token_for(*ALL_PERMISSIONS)


@pytest.fixture
def target(services: Services) -> ActionTarget:
    return services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))


def assert_correlated(response: Response) -> str:
    """The response's correlation id, checked to match its body's contextId."""
    correlation_id = response.headers["ININ-Correlation-Id"]
    if response.status_code >= 400 and not response.url.path.startswith("/oauth"):
        assert response.json()["contextId"] == correlation_id
    return correlation_id


def _failure_ids() -> list[str]:
    return [name for name, *_ in FAILURES]


@pytest.mark.parametrize(
    ("name", "call", "status", "code"), FAILURES, ids=_failure_ids()
)
def test_error_body_has_exactly_the_genesys_keys(
    client: TestClient,
    token_for: TokenFactory,
    everything: dict[str, str],
    target: ActionTarget,
    name: str,
    call: Call,
    status: int,
    code: str,
) -> None:
    headers = token_for() if name == "no permission" else everything

    response = call(client, headers)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"] == body["messageWithParams"].format(**body["messageParams"])
    assert body["errors"] == []
    assert body["contextId"] == response.headers["ININ-Correlation-Id"]
    uuid.UUID(body["contextId"])


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"{PATH}/{UNKNOWN_ID}"),
        ("PATCH", f"{PATH}/{UNKNOWN_ID}"),
        ("DELETE", f"{PATH}/{UNKNOWN_ID}"),
        ("POST", PATH),
    ],
)
def test_errors_about_a_target_also_name_it(
    client: TestClient,
    everything: dict[str, str],
    target: ActionTarget,
    method: str,
    url: str,
) -> None:
    # POST collides with the existing target; the others miss an unknown one.
    body = {"id": TARGET_ID, "name": "Sales"} if method == "POST" else {}

    response = client.request(method, url, json=body, headers=everything)

    if method == "POST":
        assert (response.status_code, response.json()["code"]) == (409, "conflict")
        assert response.json()["entityId"] == TARGET_ID
    else:
        assert (response.status_code, response.json()["code"]) == (404, "not.found")
        assert response.json()["entityId"] == UNKNOWN_ID
    assert set(response.json()) == ERROR_KEYS | {"entityId"}


def test_unknown_route_is_404_not_found(
    client: TestClient, everything: dict[str, str]
) -> None:
    response = client.get("/api/v2/journey/nothing/here", headers=everything)

    assert response.status_code == 404
    body = response.json()
    assert {k: v for k, v in body.items() if k != "contextId"} == {
        "message": "The requested resource was not found.",
        "code": "not.found",
        "status": 404,
        "messageWithParams": "The requested resource was not found.",
        "messageParams": {},
        "details": [],
        "errors": [],
    }


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("PUT", PATH, "GET, POST"),
        ("DELETE", PATH, "GET, POST"),
        ("POST", f"{PATH}/{TARGET_ID}", "DELETE, GET, PATCH"),
        ("GET", "/oauth/token", "POST"),
    ],
)
def test_wrong_method_is_405(
    client: TestClient,
    everything: dict[str, str],
    method: str,
    url: str,
    allow: str,
) -> None:
    response = client.request(method, url, headers=everything)

    assert response.status_code == 405
    body = response.json()
    template = "The HTTP method [{method}] is not allowed for this resource."
    assert {k: v for k, v in body.items() if k != "contextId"} == {
        "message": template.format(method=method),
        "code": "method.not.allowed",
        "status": 405,
        "messageWithParams": template,
        "messageParams": {"method": method},
        "details": [],
        "errors": [],
    }
    assert response.headers["allow"] == allow


def test_every_success_carries_a_fresh_correlation_id(
    client: TestClient,
    services: Services,
    everything: dict[str, str],
    target: ActionTarget,
) -> None:
    created = services.auth.create_client("svc")
    responses = [
        client.get(f"{PATH}/{TARGET_ID}", headers=everything),
        client.get(PATH, headers=everything),
        client.patch(f"{PATH}/{TARGET_ID}", json={"name": "X"}, headers=everything),
        client.post(PATH, json={"name": "New"}, headers=everything),
        client.delete(f"{PATH}/{TARGET_ID}", headers=everything),
        client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(created.client_id, created.client_secret),
        ),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 201, 204, 200]
    ids = [assert_correlated(response) for response in responses]
    for correlation_id in ids:
        assert str(uuid.UUID(correlation_id)) == correlation_id
    assert len(set(ids)) == len(ids)


def test_oauth_errors_carry_a_correlation_id(client: TestClient) -> None:
    response = client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("a", "b")
    )

    assert response.status_code == 401
    uuid.UUID(response.headers["ININ-Correlation-Id"])


@pytest.mark.parametrize("sent", ["my-trace-123", "a.b:c_d", "x" * 128])
def test_a_sent_correlation_id_is_echoed(
    client: TestClient, everything: dict[str, str], target: ActionTarget, sent: str
) -> None:
    success = client.get(
        f"{PATH}/{TARGET_ID}", headers={**everything, "ININ-Correlation-Id": sent}
    )
    failure = client.get(PATH, headers={"inin-correlation-id": sent})

    assert success.status_code == 200
    assert success.headers["ININ-Correlation-Id"] == sent
    assert failure.status_code == 401
    assert failure.headers["ININ-Correlation-Id"] == sent
    assert failure.json()["contextId"] == sent


@pytest.mark.parametrize("sent", ["has space", "x" * 129, "semi;colon", ""])
def test_an_unsafe_correlation_id_is_replaced(client: TestClient, sent: str) -> None:
    response = client.get(PATH, headers={"ININ-Correlation-Id": sent})

    correlation_id = response.headers["ININ-Correlation-Id"]
    assert correlation_id != sent
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert response.json()["contextId"] == correlation_id


def test_responses_are_not_cached(
    client: TestClient, everything: dict[str, str]
) -> None:
    for response in (client.get(PATH, headers=everything), client.get(PATH)):
        assert response.headers["cache-control"] == (
            "no-cache, no-store, must-revalidate"
        )
        assert response.headers["pragma"] == "no-cache"
        assert response.headers["expires"] == "0"


def assert_internal_error(
    response: Response, caplog: pytest.LogCaptureFixture, secret: str
) -> None:
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert {k: v for k, v in body.items() if k != "contextId"} == {
        "message": INTERNAL_ERROR,
        "code": "internal.server.error",
        "status": 500,
        "messageWithParams": INTERNAL_ERROR,
        "messageParams": {},
        "details": [],
        "errors": [],
    }
    correlation_id = response.headers["ININ-Correlation-Id"]
    assert body["contextId"] == correlation_id
    for leak in (secret, "Traceback", "RuntimeError", ".py"):
        assert leak not in response.text

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    record = errors[0]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert correlation_id in record.getMessage()


def test_unexpected_exception_is_500_and_logged_once(
    app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "password=hunter2 in /srv/journeyapi/db.py"

    async def explode() -> dict[str, Any]:
        raise RuntimeError(secret)

    app.add_api_route("/api/v2/test/explode", explode)

    with caplog.at_level(logging.INFO):
        response = client.get(
            "/api/v2/test/explode", headers={"ININ-Correlation-Id": "boom-1"}
        )

    assert_internal_error(response, caplog, secret)
    assert response.headers["ININ-Correlation-Id"] == "boom-1"


def test_a_failing_service_is_500(
    client: TestClient,
    services: Services,
    everything: dict[str, str],
    target: ActionTarget,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "SELECT secret_hash FROM oauth_clients"

    def broken(target_id: str) -> ActionTarget:
        raise RuntimeError(secret)

    monkeypatch.setattr(services.action_targets, "get", broken)

    response = client.get(f"{PATH}/{TARGET_ID}", headers=everything)

    assert_internal_error(response, caplog, secret)
