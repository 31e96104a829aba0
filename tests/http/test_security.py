"""Security headers, CORS, and no internals in a failure's answer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW, FAULT_EDIT, ROLES
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.demo import DEMO_CLIENT_ID
from journeyapi.http.app import create_app
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "content-security-policy": "frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache, no-store, must-revalidate",
}


@pytest.mark.parametrize(
    "path",
    [PATH, "/api/v2/nowhere", "/api/v2/docs", "/api/v2/docs/swagger"],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, path: str
) -> None:
    answer = client.get(path)

    assert {name: answer.headers.get(name) for name in SECURITY_HEADERS} == (
        SECURITY_HEADERS
    )


def test_cors_is_off_unless_configured(client: TestClient, token_for: Any) -> None:
    preflight = client.options(
        PATH,
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    simple = client.get(
        PATH, headers={**token_for(ACTION_TARGET_VIEW), "Origin": "https://app.example"}
    )

    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


def test_configured_origins_may_call_and_others_may_not(
    database_url: str, clock: ManualClock
) -> None:
    settings = Settings(
        database_url=database_url, cors_allowed_origins=["https://app.example"]
    )
    with TestClient(create_app(settings, clock)) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        created = services.auth.create_client("cors", permissions=(ACTION_TARGET_VIEW,))
        token = services.auth.issue_token(created.client_id, 3600).access_token
        allowed = client.options(
            PATH,
            headers={
                "Origin": "https://app.example",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        refused = client.options(
            PATH,
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "GET",
            },
        )
        simple = client.get(
            PATH,
            headers={
                "Authorization": f"Bearer {token}",
                "Origin": "https://app.example",
            },
        )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == "https://app.example"
    exposed = simple.headers["access-control-expose-headers"].lower()
    assert "inin-ratelimit-count" in exposed
    assert "inin-correlation-id" in exposed


def test_allowed_origins_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "JOURNEYAPI_CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example"
    )

    assert Settings().cors_allowed_origins == ["https://a.example", "https://b.example"]


def test_a_database_failure_answers_500_without_sql_or_a_traceback(
    client: TestClient,
    services: Services,
    token_for: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    headers = token_for(ACTION_TARGET_VIEW)
    services.db.execute("DROP TABLE action_targets")

    with caplog.at_level("ERROR"):
        answer = client.get(PATH, headers=headers)

    assert answer.status_code == 500
    assert answer.json() == {
        "message": (
            "The server encountered an unexpected condition which prevented it "
            "from fulfilling the request."
        ),
        "code": "internal.server.error",
        "status": 500,
        "messageWithParams": (
            "The server encountered an unexpected condition which prevented it "
            "from fulfilling the request."
        ),
        "messageParams": {},
        "contextId": answer.headers["ININ-Correlation-Id"],
        "details": [],
        "errors": [],
    }
    for leak in ("action_targets", "SELECT", "Traceback", "sqlite", "psycopg"):
        assert leak not in answer.text
    # The failure is logged on the server, with its correlation id.
    assert answer.headers["ININ-Correlation-Id"] in caplog.text


def test_fault_editing_is_for_admins_and_the_demo_client(services: Services) -> None:
    from journeyapi.demo import load_demo

    load_demo(services)
    demo = services.auth.authenticate(
        services.auth.issue_token(DEMO_CLIENT_ID, 60).access_token
    )

    assert FAULT_EDIT in ROLES["admin"]
    assert FAULT_EDIT not in ROLES["journey-editor"]
    assert FAULT_EDIT not in ROLES["journey-viewer"]
    assert FAULT_EDIT in demo.permissions
