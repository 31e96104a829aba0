"""Injected faults: the admin routes, what a fault answers, and how often."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW, FAULT_EDIT
from journeyapi.cli import main
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.http.app import create_app
from journeyapi.services import Services

FAULTS = "/api/v2/journeyapi/faults"
PATH = "/api/v2/journey/actiontargets"
TARGET = f"{PATH}/0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"

TokenFactory = Any


@pytest.fixture
def admin(token_for: TokenFactory) -> dict[str, str]:
    headers: dict[str, str] = token_for(FAULT_EDIT, ACTION_TARGET_VIEW)
    return headers


@contextmanager
def app_on(database_url: str, clock: ManualClock, **more: Any) -> Iterator[TestClient]:
    chosen: dict[str, Any] = {"rate_limit_per_minute": 0, "fault_refresh_seconds": 0}
    settings = Settings(database_url=database_url, **{**chosen, **more})
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as tc:
        yield tc


def bearer(client: TestClient, *permissions: str) -> dict[str, str]:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    created = services.auth.create_client("faults", permissions=permissions)
    token = services.auth.issue_token(created.client_id, 3600).access_token
    return {"Authorization": f"Bearer {token}"}


def test_a_new_fault_is_listed_with_its_defaults_and_counts(
    client: TestClient, admin: dict[str, str]
) -> None:
    created = client.post(
        FAULTS, json={"path": f"{PATH}/*", "status": 503}, headers=admin
    )

    assert created.status_code == 201
    fault = created.json()
    assert fault == {
        "id": fault["id"],
        "method": "*",
        "path": f"{PATH}/*",
        "status": 503,
        "latencyMs": 0,
        "drop": False,
        "probability": 1.0,
        "seed": 0,
        "matched": 0,
        "fired": 0,
    }
    assert client.get(FAULTS, headers=admin).json() == {"entities": [fault]}


def test_a_fault_answers_its_status_with_the_genesys_body_for_the_next_n(
    client: TestClient, admin: dict[str, str]
) -> None:
    fault = client.post(
        FAULTS,
        json={
            "method": "GET",
            "path": f"{PATH}/*",
            "status": 503,
            "retryAfterSeconds": 2,
            "count": 2,
        },
        headers=admin,
    ).json()

    answers = [client.get(TARGET, headers=admin) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [503, 503, 404]
    first = answers[0]
    assert first.headers["retry-after"] == "2"
    assert first.headers["x-journeyapi-fault"] == fault["id"]
    assert first.json() == {
        "message": (
            "Service Unavailable - The server is currently unavailable (because it "
            "is overloaded or down for maintenance)."
        ),
        "code": "service.unavailable",
        "status": 503,
        "messageWithParams": (
            "Service Unavailable - The server is currently unavailable (because it "
            "is overloaded or down for maintenance)."
        ),
        "messageParams": {},
        "contextId": first.headers["ININ-Correlation-Id"],
        "details": [],
        "errors": [],
    }
    listed = client.get(FAULTS, headers=admin).json()["entities"]
    assert (listed[0]["matched"], listed[0]["fired"]) == (3, 2)


def test_a_fault_hits_only_its_method_and_path(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.post(
        FAULTS,
        json={"method": "PATCH", "path": f"{PATH}/*", "status": 500},
        headers=admin,
    )

    listing = client.get(PATH, headers=admin)
    one = client.get(TARGET, headers=admin)
    patched = client.patch(TARGET, json={"name": "x"}, headers=admin)

    assert (listing.status_code, one.status_code) == (200, 404)
    assert patched.status_code == 500
    assert patched.json()["code"] == "internal.server.error"


@pytest.mark.parametrize(
    ("fault", "code", "retry_after"),
    [
        ({"status": 429}, "too.many.requests.retry.after", "1"),
        ({"status": 429, "retryAfterSeconds": 7}, "too.many.requests.retry.after", "7"),
        ({"status": 504}, "request.timeout", None),
        ({"status": 502}, "bad.gateway", None),
    ],
)
def test_each_status_has_its_genesys_code(
    client: TestClient,
    admin: dict[str, str],
    fault: dict[str, Any],
    code: str,
    retry_after: str | None,
) -> None:
    client.post(FAULTS, json={"path": "/api/v2/**", **fault}, headers=admin)

    answer = client.get(PATH, headers=admin)

    assert answer.status_code == fault["status"]
    assert answer.json()["code"] == code
    assert answer.headers.get("retry-after") == retry_after


def test_faults_reach_the_token_route_but_never_their_own_routes(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.put(FAULTS, json=[{"path": "/**", "status": 503}], headers=admin)

    token = client.post("/oauth/token", data={"grant_type": "client_credentials"})
    listed = client.get(FAULTS, headers=admin)
    cleared = client.delete(FAULTS, headers=admin)
    after = client.get(PATH, headers=admin)

    assert token.status_code == 503
    assert listed.status_code == 200
    assert cleared.status_code == 204
    assert after.status_code == 200


def test_latency_delays_the_real_answer(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.post(FAULTS, json={"path": PATH, "latencyMs": 300}, headers=admin)

    started = time.monotonic()
    answer = client.get(PATH, headers=admin)
    took = time.monotonic() - started

    assert answer.status_code == 200
    assert took >= 0.3


def test_a_seeded_probability_hits_the_same_requests_in_every_run(
    client: TestClient, admin: dict[str, str]
) -> None:
    def run(seed: int) -> list[int]:
        client.put(
            FAULTS,
            json=[{"path": PATH, "status": 503, "probability": 0.5, "seed": seed}],
            headers=admin,
        )
        return [client.get(PATH, headers=admin).status_code for _ in range(40)]

    first, again, other = run(7), run(7), run(8)

    assert first == again
    assert first != other
    assert 8 <= first.count(503) <= 32
    assert set(first) == {200, 503}


def test_probability_zero_never_fires_and_counts_matches(
    client: TestClient, admin: dict[str, str]
) -> None:
    client.post(
        FAULTS, json={"path": PATH, "status": 503, "probability": 0}, headers=admin
    )

    codes = [client.get(PATH, headers=admin).status_code for _ in range(5)]

    assert codes == [200] * 5
    fault = client.get(FAULTS, headers=admin).json()["entities"][0]
    assert (fault["matched"], fault["fired"]) == (5, 0)


def test_faults_are_tried_in_order(client: TestClient, admin: dict[str, str]) -> None:
    client.put(
        FAULTS,
        json=[
            {"path": PATH, "status": 429, "count": 1},
            {"path": "/api/v2/**", "status": 504},
        ],
        headers=admin,
    )

    codes = [client.get(PATH, headers=admin).status_code for _ in range(2)]

    assert codes == [429, 504]


def test_removing_one_fault_and_an_unknown_one(
    client: TestClient, admin: dict[str, str]
) -> None:
    fault = client.post(FAULTS, json={"path": PATH, "status": 503}, headers=admin)
    fault_id = fault.json()["id"]

    removed = client.delete(f"{FAULTS}/{fault_id}", headers=admin)
    again = client.delete(f"{FAULTS}/{fault_id}", headers=admin)

    assert removed.status_code == 204
    assert again.status_code == 404
    assert again.json()["code"] == "not.found"
    assert client.get(PATH, headers=admin).status_code == 200


@pytest.mark.parametrize(
    ("fault", "field", "allowed"),
    [
        ({"path": PATH, "status": 418}, "faults[0].status", "429, 500, 502, 503, 504"),
        ({"path": PATH}, "faults[0].status", None),
        ({"path": PATH, "status": 503, "drop": True}, "faults[0].drop", None),
        ({"path": "nope", "status": 503}, "faults[0].path", "paths starting with /"),
        ({"path": PATH, "status": 503, "method": "BREW"}, "faults[0].method", None),
        (
            {"path": PATH, "status": 503, "probability": 1.5},
            "faults[0].probability",
            "numbers from 0.0 to 1.0",
        ),
        (
            {"path": PATH, "status": 503, "count": 0},
            "faults[0].count",
            "integers from 1 to 1000000000",
        ),
        (
            {"path": PATH, "latencyMs": 60001},
            "faults[0].latencyMs",
            "integers from 0 to 60000",
        ),
    ],
)
def test_a_bad_fault_is_400_naming_the_field_and_nothing_changes(
    client: TestClient,
    admin: dict[str, str],
    fault: dict[str, Any],
    field: str,
    allowed: str | None,
) -> None:
    client.post(FAULTS, json={"path": "/x", "status": 503}, headers=admin)
    before = client.get(FAULTS, headers=admin).json()

    answer = client.put(FAULTS, json=[fault], headers=admin)

    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid.value"
    assert body["messageParams"]["field"] == field
    if allowed is not None:
        assert body["messageParams"]["allowed"] == allowed
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": field}]
    assert client.get(FAULTS, headers=admin).json() == before


def test_a_null_body_is_400(client: TestClient, admin: dict[str, str]) -> None:
    put = client.put(FAULTS, content="null", headers=admin)
    post = client.post(FAULTS, content="null", headers=admin)

    assert (put.status_code, post.status_code) == (400, 400)
    assert put.json()["message"] == (
        "The request needs a JSON body: a fault, or a list of faults."
    )


def test_the_fault_routes_need_the_fault_permission(
    client: TestClient, token_for: TokenFactory
) -> None:
    editor = token_for(ACTION_TARGET_VIEW)

    answers = [
        client.get(FAULTS, headers=editor),
        client.post(FAULTS, json={"path": PATH, "status": 503}, headers=editor),
        client.put(FAULTS, json=[], headers=editor),
        client.delete(FAULTS, headers=editor),
    ]

    assert [answer.status_code for answer in answers] == [403] * 4
    assert answers[0].json()["messageParams"] == {
        "permissions": "[journeyapi:fault:edit]"
    }


def test_two_servers_on_one_database_share_the_faults_and_their_counts(
    database_url: str, clock: ManualClock
) -> None:
    with app_on(database_url, clock) as one, app_on(database_url, clock) as two:
        headers = bearer(one, FAULT_EDIT, ACTION_TARGET_VIEW)
        one.post(
            FAULTS, json={"path": PATH, "status": 503, "count": 3}, headers=headers
        )

        codes = [
            client.get(PATH, headers=headers).status_code
            for client in (two, one, two, one, two)
        ]

    assert codes == [503, 503, 503, 200, 200]


def test_another_process_sees_a_change_after_the_refresh_interval(
    database_url: str, clock: ManualClock
) -> None:
    with (
        app_on(database_url, clock) as one,
        app_on(database_url, clock, fault_refresh_seconds=3600) as slow,
    ):
        headers = bearer(one, FAULT_EDIT, ACTION_TARGET_VIEW)
        assert slow.get(PATH, headers=headers).status_code == 200
        one.post(FAULTS, json={"path": PATH, "status": 503}, headers=headers)

        # Read an hour ago: the slow process still has no faults.
        assert slow.get(PATH, headers=headers).status_code == 200
        assert one.get(PATH, headers=headers).status_code == 503


FILE = """\
faults:
  - method: GET
    path: /api/v2/journey/actiontargets
    status: 429
    retryAfterSeconds: 3
    count: 1
"""


def test_a_faults_file_is_put_in_force_at_start(
    database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(FILE)

    with app_on(database_url, clock, faults_file=path) as client:
        headers = bearer(client, ACTION_TARGET_VIEW)
        codes = [client.get(PATH, headers=headers) for _ in range(2)]

    assert [answer.status_code for answer in codes] == [429, 200]
    assert codes[0].headers["retry-after"] == "3"


def test_the_faults_commands_load_list_and_clear(
    database_url: str, tmp_path: Path, client: TestClient, admin: dict[str, str]
) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(FILE)
    runner = CliRunner()

    loaded = runner.invoke(
        main, ["faults", "load", str(path), "--database", database_url]
    )
    listed = runner.invoke(main, ["faults", "list", "--database", database_url])
    from_server = client.get(FAULTS, headers=admin).json()["entities"]
    cleared = runner.invoke(main, ["faults", "clear", "--database", database_url])

    assert (loaded.exit_code, loaded.output) == (
        0,
        f"1 faults in force (from {path}).\n",
    )
    assert listed.exit_code == 0
    assert [fault["status"] for fault in from_server] == [429]
    assert listed.output.count('"retryAfterSeconds": 3') == 1
    assert cleared.exit_code == 0
    assert client.get(FAULTS, headers=admin).json() == {"entities": []}


def test_a_broken_faults_file_is_refused_saying_where(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("faults:\n  - path: /x\n    status: many\n")

    result = CliRunner().invoke(
        main, ["faults", "load", str(path), "--database", database_url]
    )

    assert result.exit_code == 1
    assert f"{path}: 0.status:" in result.output
