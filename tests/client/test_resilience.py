"""Retries, timeouts' kin, token refresh and odd answers, through a mock transport."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from journeyapi.client import (
    NO_RETRIES,
    AuthenticationError,
    JourneyApi,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TransportError,
    UnexpectedResponse,
)
from tests.client.conftest import CORRELATION, error_response, fake

TARGET = {"id": "f489d82b-56b7-50cb-b579-eba16b3eb8e1", "name": "Billing"}
PATH = f"/api/v2/journey/actiontargets/{TARGET['id']}"


def sequence(*answers: httpx.Response) -> Iterator[httpx.Response]:
    return iter(answers)


def limited(seconds: str) -> httpx.Response:
    answer = error_response(
        429,
        "too.many.requests.retry.after",
        f"Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds",
    )
    answer.headers["Retry-After"] = seconds
    return answer


def ok() -> httpx.Response:
    return httpx.Response(200, json=TARGET)


def test_retry_after_is_honoured() -> None:
    answers = sequence(limited("2"), limited("3"), ok())
    server = fake(lambda request: next(answers))

    with server.client() as api:
        target = api.get_journey_actiontarget(TARGET["id"])

    assert target.name == "Billing"
    assert server.sleeps == [2.0, 3.0]
    assert len(server.requests) == 3


def test_retry_after_is_capped() -> None:
    answers = sequence(limited("120"), ok())
    server = fake(lambda request: next(answers))

    with server.client(retry=RetryPolicy(max_wait=5.0)) as api:
        api.get_journey_actiontarget(TARGET["id"])

    assert server.sleeps == [5.0]


def test_a_429_on_post_is_retried_too() -> None:
    answers = sequence(limited("1"), httpx.Response(204))
    server = fake(lambda request: next(answers))

    with server.client() as api:
        api.post_journey_externalcontact_segments("contact", [])

    assert server.sleeps == [1.0]
    assert len(server.requests) == 2


def test_the_total_budget_ends_the_retries() -> None:
    server = fake(lambda request: limited("4"))

    with (
        server.client(retry=RetryPolicy(max_attempts=10, budget=10.0)) as api,
        pytest.raises(RateLimitError) as caught,
    ):
        api.get_journey_actiontarget(TARGET["id"])

    assert server.sleeps == [4.0, 4.0]
    assert len(server.requests) == 3
    assert caught.value.status == 429
    assert caught.value.retry_after == 4.0
    assert caught.value.code == "too.many.requests.retry.after"


def test_attempts_are_counted_from_the_first_try() -> None:
    server = fake(lambda request: limited("0"))

    with (
        server.client(retry=RetryPolicy(max_attempts=3)) as api,
        pytest.raises(RateLimitError),
    ):
        api.get_journey_actiontarget(TARGET["id"])

    assert len(server.requests) == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_on_get_is_retried_with_backoff(status: int) -> None:
    answers = sequence(
        error_response(status, "service.unavailable", "Service Unavailable"),
        error_response(status, "service.unavailable", "Service Unavailable"),
        ok(),
    )
    server = fake(lambda request: next(answers))

    with server.client() as api:
        api.get_journey_actiontarget(TARGET["id"])

    assert server.sleeps == [0.25, 0.5]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_on_post_is_not_retried(status: int) -> None:
    server = fake(
        lambda request: error_response(status, "service.unavailable", "Unavailable")
    )

    with server.client() as api, pytest.raises(ServerError) as caught:
        api.post_journey_externalcontact_segments(
            "contact", [{"segmentId": "s", "state": "Assigned"}]
        )

    assert caught.value.status == status
    assert len(server.requests) == 1
    assert server.sleeps == []


def test_a_500_is_not_retried() -> None:
    server = fake(
        lambda request: error_response(500, "internal.server.error", "Unexpected")
    )

    with server.client() as api, pytest.raises(ServerError):
        api.get_journey_actiontarget(TARGET["id"])

    assert len(server.requests) == 1


def test_an_html_502_page_is_a_clear_server_error() -> None:
    page = "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>"
    server = fake(
        lambda request: httpx.Response(
            502, text=page, headers={"Content-Type": "text/html"}
        )
    )

    with server.client(retry=NO_RETRIES) as api, pytest.raises(ServerError) as caught:
        api.get_journey_actiontarget(TARGET["id"])

    error = caught.value
    assert error.status == 502
    assert error.code is None
    assert error.body is None
    assert error.text == page
    assert error.message == (
        "HTTP 502 Bad Gateway; the body is not a Genesys error body (text/html):"
        " '<html><body><h1>502 Bad Gateway</h1> <p>nginx</p></body></html>'"
    )


def test_a_broken_connection_on_get_is_retried() -> None:
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return ok()

    server = fake(answer)

    with server.client() as api:
        api.get_journey_actiontarget(TARGET["id"])

    assert len(calls) == 2


def test_a_broken_connection_on_post_is_a_transport_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    server = fake(answer)

    with server.client() as api, pytest.raises(TransportError) as caught:
        api.post_analytics_journeys_aggregates_query({"metrics": ["nJourneySessions"]})

    assert str(caught.value) == (
        "POST http://journeyapi.test/api/v2/analytics/journeys/aggregates/query:"
        " connection reset"
    )
    assert len(server.requests) == 1


def test_a_401_gets_one_new_token_and_succeeds() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer token-1":
            return error_response(
                401, "credentials.expired", "The supplied credentials are expired"
            )
        return ok()

    server = fake(answer, tokens=["token-1", "token-2"])

    with server.client() as api:
        first = api.get_journey_actiontarget(TARGET["id"])
        second = api.get_journey_actiontarget(TARGET["id"])

    assert first.name == second.name == "Billing"
    assert len(server.logins) == 2
    assert [request.headers["Authorization"] for request in server.requests] == [
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-2",
    ]


def test_a_second_401_is_raised() -> None:
    server = fake(
        lambda request: error_response(401, "bad.credentials", "Invalid login"),
        tokens=["token-1", "token-2"],
    )

    with server.client() as api, pytest.raises(AuthenticationError) as caught:
        api.get_journey_actiontarget(TARGET["id"])

    assert caught.value.code == "bad.credentials"
    assert caught.value.correlation_id == CORRELATION
    assert len(server.logins) == 2
    assert len(server.requests) == 2


def test_a_given_token_is_never_refreshed() -> None:
    server = fake(lambda request: error_response(401, "bad.credentials", "Invalid"))
    api = JourneyApi(
        base_url="http://journeyapi.test",
        access_token="given",
        transport=httpx.MockTransport(server.handle),
    )

    with api, pytest.raises(AuthenticationError):
        api.get_journey_actiontarget(TARGET["id"])

    assert server.logins == []
    assert [request.headers["Authorization"] for request in server.requests] == [
        "Bearer given"
    ]


def test_the_token_is_cached_and_renewed_before_it_expires() -> None:
    now = [1000.0]
    server = fake(lambda request: ok(), tokens=["token-1", "token-2"], expires_in=3600)

    with server.client(clock=lambda: now[0]) as api:
        api.get_journey_actiontarget(TARGET["id"])
        now[0] += 3600 - 301  # 301 s of life left: still used
        api.get_journey_actiontarget(TARGET["id"])
        now[0] += 2  # 299 s left: renewed (at most 300 s early)
        api.get_journey_actiontarget(TARGET["id"])

    assert len(server.logins) == 2
    assert [request.headers["Authorization"] for request in server.requests] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_the_login_is_the_client_credentials_grant() -> None:
    server = fake(lambda request: ok())

    with server.client() as api:
        api.get_journey_actiontarget(TARGET["id"])

    login = server.logins[0]
    assert login.method == "POST"
    assert str(login.url) == "http://journeyapi.test/oauth/token"
    assert login.headers["Authorization"] == "Basic Y2xpZW50OnNlY3JldA=="
    assert login.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert login.content == b"grant_type=client_credentials"


def test_a_success_without_the_schema_is_an_unexpected_response() -> None:
    server = fake(lambda request: httpx.Response(200, text="OK"))

    with server.client() as api, pytest.raises(UnexpectedResponse) as caught:
        api.get_journey_actiontarget(TARGET["id"])

    assert caught.value.status == 200
    assert "is not a ActionTarget" in str(caught.value)


def test_the_async_client_retries_and_refreshes_alike() -> None:
    answers = sequence(
        limited("2"),
        error_response(401, "credentials.expired", "Expired"),
        error_response(503, "service.unavailable", "Unavailable"),
        ok(),
    )
    server = fake(lambda request: next(answers), tokens=["token-1", "token-2"])

    async def run() -> str | None:
        async with server.async_client() as api:
            target = await api.get_journey_actiontarget(TARGET["id"])
            return target.name

    assert asyncio.run(run()) == "Billing"
    assert server.sleeps == [2.0, 0.25]
    assert len(server.logins) == 2
    assert server.requests[-1].headers["Authorization"] == "Bearer token-2"
