"""Rate limits per token: the headers, the 429, window rollover, shared counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_EDIT, ACTION_TARGET_VIEW
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.http.app import create_app
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
LIMIT = 3


@contextmanager
def limited(
    database_url: str, clock: ManualClock, store: str = "auto", allowed: int = LIMIT
) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        rate_limit_per_minute=allowed,
        rate_limit_store=store,  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture(params=["auto", "memory", "database"])
def store(request: pytest.FixtureRequest) -> str:
    chosen: str = request.param
    return chosen


@pytest.fixture
def client_of(
    database_url: str, clock: ManualClock, store: str
) -> Iterator[TestClient]:
    with limited(database_url, clock, store) as client:
        yield client


def bearer(client: TestClient, *permissions: str) -> dict[str, str]:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    created = services.auth.create_client("rate", permissions=permissions)
    token = services.auth.issue_token(created.client_id, 3600).access_token
    return {"Authorization": f"Bearer {token}"}


def rate_headers(response: object) -> tuple[str | None, str | None, str | None]:
    headers = response.headers  # type: ignore[attr-defined]
    return (
        headers.get("inin-ratelimit-count"),
        headers.get("inin-ratelimit-allowed"),
        headers.get("inin-ratelimit-reset"),
    )


def test_every_authenticated_answer_reports_the_window(
    client_of: TestClient, clock: ManualClock
) -> None:
    headers = bearer(client_of, ACTION_TARGET_VIEW)

    first = client_of.get(PATH, headers=headers)
    clock.advance(timedelta(seconds=15, milliseconds=500))
    second = client_of.get(
        f"{PATH}/0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d", headers=headers
    )

    assert first.status_code == 200
    assert rate_headers(first) == ("1", "3", "60")
    assert second.status_code == 404
    assert rate_headers(second) == ("2", "3", "45")


def test_over_the_limit_is_429_with_retry_after_and_the_genesys_body(
    client_of: TestClient, clock: ManualClock
) -> None:
    headers = bearer(client_of, ACTION_TARGET_VIEW)
    for _ in range(LIMIT):
        assert client_of.get(PATH, headers=headers).status_code == 200
    clock.advance(timedelta(seconds=50))

    refused = client_of.get(PATH, headers=headers)

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    assert rate_headers(refused) == ("4", "3", "10")
    body = refused.json()
    assert body == {
        "message": "Rate limit exceeded the maximum. Retry the request in [10] seconds",
        "code": "too.many.requests.retry.after",
        "status": 429,
        "messageWithParams": (
            "Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds"
        ),
        "messageParams": {"seconds": "10"},
        "contextId": refused.headers["ININ-Correlation-Id"],
        "details": [],
        "errors": [],
    }


def test_a_refused_request_changes_nothing(
    client_of: TestClient, clock: ManualClock
) -> None:
    services: Services = client_of.app.state.services  # type: ignore[attr-defined]
    headers = bearer(client_of, ACTION_TARGET_VIEW, ACTION_TARGET_EDIT)
    created = client_of.post(
        PATH,
        json={"name": "Sales"},
        headers=bearer(client_of, "journey:actiontarget:add"),
    )
    target_id = created.json()["id"]
    for _ in range(LIMIT):
        client_of.get(PATH, headers=headers)

    refused = client_of.patch(
        f"{PATH}/{target_id}", json={"name": "Changed"}, headers=headers
    )

    assert refused.status_code == 429
    assert services.action_targets.get(target_id).name == "Sales"


def test_the_count_starts_again_at_the_next_minute(
    client_of: TestClient, clock: ManualClock
) -> None:
    headers = bearer(client_of, ACTION_TARGET_VIEW)
    for _ in range(LIMIT + 1):
        client_of.get(PATH, headers=headers)
    clock.advance(timedelta(seconds=59, milliseconds=999))
    assert client_of.get(PATH, headers=headers).status_code == 429

    clock.advance(timedelta(milliseconds=1))
    again = client_of.get(PATH, headers=headers)

    assert again.status_code == 200
    assert rate_headers(again) == ("1", "3", "60")


def test_each_token_has_its_own_count(client_of: TestClient) -> None:
    first = bearer(client_of, ACTION_TARGET_VIEW)
    second = bearer(client_of, ACTION_TARGET_VIEW)
    for _ in range(LIMIT + 1):
        client_of.get(PATH, headers=first)

    other = client_of.get(PATH, headers=second)

    assert other.status_code == 200
    assert rate_headers(other) == ("1", "3", "60")


def test_a_forbidden_request_counts_and_reports_the_window(
    client_of: TestClient,
) -> None:
    headers = bearer(client_of, ACTION_TARGET_EDIT)

    forbidden = client_of.get(PATH, headers=headers)

    assert forbidden.status_code == 403
    assert rate_headers(forbidden) == ("1", "3", "60")


def test_an_unauthenticated_request_carries_no_rate_headers(
    client_of: TestClient,
) -> None:
    missing = client_of.get(PATH)
    unknown = client_of.get(PATH, headers={"Authorization": "Bearer nope"})

    assert (missing.status_code, unknown.status_code) == (401, 401)
    assert rate_headers(missing) == (None, None, None)
    assert rate_headers(unknown) == (None, None, None)


def test_zero_turns_the_limit_off(database_url: str, clock: ManualClock) -> None:
    with limited(database_url, clock, allowed=0) as client:
        headers = bearer(client, ACTION_TARGET_VIEW)
        answers = [client.get(PATH, headers=headers) for _ in range(LIMIT + 5)]

        assert [answer.status_code for answer in answers] == [200] * (LIMIT + 5)
        assert rate_headers(answers[-1]) == (None, None, None)


def test_the_default_allows_300_a_minute(database_url: str, clock: ManualClock) -> None:
    assert Settings(database_url=database_url).rate_limit_per_minute == 300
    with TestClient(create_app(Settings(database_url=database_url), clock)) as client:
        answer = client.get(PATH, headers=bearer(client, ACTION_TARGET_VIEW))

    assert rate_headers(answer) == ("1", "300", "60")


def test_the_database_store_keeps_one_row_per_token_and_window(
    database_url: str, clock: ManualClock
) -> None:
    with limited(database_url, clock, store="database") as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        headers = bearer(client, ACTION_TARGET_VIEW)
        client.get(PATH, headers=headers)
        client.get(PATH, headers=headers)
        before = services.db.fetch_all(
            "SELECT window_start_ms, count FROM rate_limit_counters"
        )
        clock.advance(timedelta(minutes=1))
        client.get(PATH, headers=headers)
        after = services.db.fetch_all(
            "SELECT window_start_ms, count FROM rate_limit_counters"
        )

        window = 1767614400000  # 2026-01-05T12:00:00Z, the tests' start
        assert [dict(row) for row in before] == [
            {"window_start_ms": window, "count": 2}
        ]
        # The ended window is swept when the next one starts.
        assert [dict(row) for row in after] == [
            {"window_start_ms": window + 60_000, "count": 1}
        ]


def test_two_servers_on_one_database_share_a_tokens_count(
    database_url: str, backend: str, clock: ManualClock
) -> None:
    # On PostgreSQL the default store is the database; on SQLite (one process
    # in production) the shared store is asked for by name.
    store = "auto" if backend == "postgresql" else "database"
    with (
        limited(database_url, clock, store) as one,
        limited(database_url, clock, store) as two,
    ):
        headers = bearer(one, ACTION_TARGET_VIEW)
        answers = [
            (client.get(PATH, headers=headers), name)
            for client, name in ((one, "one"), (two, "two"), (one, "one"), (two, "two"))
        ]

    assert [
        (a.status_code, a.headers["inin-ratelimit-count"], n) for a, n in answers
    ] == [
        (200, "1", "one"),
        (200, "2", "two"),
        (200, "3", "one"),
        (429, "4", "two"),
    ]


def test_the_memory_store_is_per_process(database_url: str, clock: ManualClock) -> None:
    with (
        limited(database_url, clock, "memory") as one,
        limited(database_url, clock, "memory") as two,
    ):
        headers = bearer(one, ACTION_TARGET_VIEW)
        counts = [
            client.get(PATH, headers=headers).headers["inin-ratelimit-count"]
            for client in (one, two, one)
        ]

    assert counts == ["1", "1", "2"]
