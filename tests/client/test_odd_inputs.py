"""Odd inputs a tester tried: bad aggregate intervals, and dot-segment ids.

Each is refused with ``InvalidRequestError`` before any request, or sent so
that the server sees exactly the id that was given.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from journeyapi.client import (
    InvalidRequestError,
    JourneyApiError,
    interval,
)
from tests.client.conftest import FakeServer, fake

ALLOWED = (
    "an ISO-8601 interval string, e.g. '2020-11-01T00:00:00Z/2020-11-08T00:00:00Z',"
    " or a pair (start, end) of timezone-aware datetimes"
)
START = datetime(2020, 11, 1, tzinfo=UTC)
END = datetime(2020, 11, 8, tzinfo=UTC)

BAD_PAIRS: list[Any] = [
    [1, 2],
    ("a", "b"),
    [None, None],
    (date(2020, 11, 1), date(2020, 11, 8)),
    ["2020-11-01T00:00:00Z", "2020-11-08T00:00:00Z"],
    [START],
    [],
    (START, END, END),
    [START, "2020-11-08T00:00:00Z"],
]


def empty_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={})


def query(pair: Any) -> dict[str, Any]:
    return {"interval": pair, "metrics": ["nJourneySessions"]}


def assert_interval_refused(
    caught: pytest.ExceptionInfo[InvalidRequestError], pair: Any
) -> None:
    assert isinstance(caught.value, JourneyApiError)
    assert caught.value.field == "interval"
    assert caught.value.value == pair
    assert caught.value.allowed == ALLOWED
    assert str(caught.value) == f"interval: {pair!r} is not allowed; {ALLOWED}"


@pytest.mark.parametrize("pair", BAD_PAIRS)
def test_a_bad_interval_pair_is_refused_by_the_sync_client(pair: Any) -> None:
    server = fake(empty_answer)

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.post_analytics_journeys_aggregates_query(query(pair))

    assert_interval_refused(caught, pair)
    assert server.requests == []


@pytest.mark.parametrize("pair", BAD_PAIRS)
def test_a_bad_interval_pair_is_refused_by_the_async_client(pair: Any) -> None:
    server = fake(empty_answer)

    async def run() -> None:
        async with server.async_client() as api:
            await api.post_analytics_journeys_aggregates_query(query(pair))

    with pytest.raises(InvalidRequestError) as caught:
        asyncio.run(run())

    assert_interval_refused(caught, pair)
    assert server.requests == []


def test_a_naive_end_in_a_pair_is_refused_as_naive() -> None:
    server = fake(empty_answer)
    naive = datetime(2020, 11, 8)

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.post_analytics_journeys_aggregates_query(query((START, naive)))

    assert caught.value.field == "interval end"
    assert caught.value.value == naive
    assert caught.value.allowed.endswith("a naive one names no instant")
    assert server.requests == []


@pytest.mark.parametrize(
    ("start", "end", "field", "value"),
    [
        (
            "2020-11-01T00:00:00Z",
            "2020-11-08T00:00:00Z",
            "interval start",
            "2020-11-01T00:00:00Z",
        ),
        (START, "2020-11-08T00:00:00Z", "interval end", "2020-11-08T00:00:00Z"),
        (date(2020, 11, 1), END, "interval start", date(2020, 11, 1)),
        (START, None, "interval end", None),
        (1, 2, "interval start", 1),
    ],
)
def test_the_interval_helper_takes_aware_datetimes_only(
    start: Any, end: Any, field: str, value: Any
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        interval(start, end)

    assert caught.value.field == field
    assert caught.value.value == value
    assert caught.value.allowed == ALLOWED


def test_the_interval_helper_still_formats_aware_datetimes() -> None:
    assert interval(START, END) == "2020-11-01T00:00:00.000Z/2020-11-08T00:00:00.000Z"


def test_an_interval_string_is_sent_as_given() -> None:
    server = fake(empty_answer)
    text = "2020-11-01T00:00:00Z/2020-11-08T00:00:00Z"

    with server.client() as api:
        api.post_analytics_journeys_aggregates_query(query(text))

    assert server.body()["interval"] == text


# Dot-segment ids: sent escaped so that httpx keeps them as one segment.


def segments_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"entities": [], "selfUri": request.url.path})


def raw_paths(server: FakeServer) -> list[bytes]:
    return [request.url.raw_path for request in server.requests]


@pytest.mark.parametrize(
    ("session", "path"),
    [
        ("..", b"/api/v2/journey/sessions/%2E%2E/segments"),
        (".", b"/api/v2/journey/sessions/%2E/segments"),
        ("...", b"/api/v2/journey/sessions/.../segments"),
        (".a", b"/api/v2/journey/sessions/.a/segments"),
        ("a b/..", b"/api/v2/journey/sessions/a%20b%2F../segments"),
        ("9c2f", b"/api/v2/journey/sessions/9c2f/segments"),
    ],
)
def test_a_session_id_is_one_path_segment(session: str, path: bytes) -> None:
    server = fake(segments_answer)

    with server.client() as api:
        api.get_journey_session_segments(session)
        assert list(api.iter_segment_assignments(session_id=session)) == []

    assert raw_paths(server) == [path, path]


@pytest.mark.parametrize(
    ("kind", "customer", "path"),
    [
        ("email", "..", b"/api/v2/journey/customers/email/%2E%2E/segments"),
        ("..", "ann", b"/api/v2/journey/customers/%2E%2E/ann/segments"),
        (".", ".", b"/api/v2/journey/customers/%2E/%2E/segments"),
        (
            "email",
            "ann smith/x@example.com",
            b"/api/v2/journey/customers/email/ann%20smith%2Fx%40example.com/segments",
        ),
    ],
)
def test_customer_ids_are_one_path_segment_each(
    kind: str, customer: str, path: bytes
) -> None:
    server = fake(segments_answer)

    with server.client() as api:
        api.get_journey_customer_customer_id_segments(kind, customer)
        found = api.iter_segment_assignments(
            customer_id_type=kind, customer_id=customer
        )
        assert list(found) == []

    assert raw_paths(server) == [path, path]


def test_external_contact_and_action_target_dot_ids_are_escaped() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(204)
        if b"actiontargets" in request.url.raw_path:
            return httpx.Response(200, json={"id": ".."})
        return segments_answer(request)

    server = fake(answer)

    with server.client() as api:
        api.get_journey_externalcontact_segments("..")
        api.post_journey_externalcontact_segments(".", [])
        api.get_journey_actiontarget("..")
        api.patch_journey_actiontarget(".", {})

    assert raw_paths(server) == [
        b"/api/v2/journey/externalcontacts/%2E%2E/segments",
        b"/api/v2/journey/externalcontacts/%2E/segments",
        b"/api/v2/journey/actiontargets/%2E%2E",
        b"/api/v2/journey/actiontargets/%2E",
    ]


def test_the_async_client_escapes_dot_ids_too() -> None:
    server = fake(segments_answer)

    async def run() -> None:
        async with server.async_client() as api:
            await api.get_journey_session_segments("..")
            async for _ in api.iter_segment_assignments(
                customer_id_type="..", customer_id=".."
            ):
                pass

    asyncio.run(run())

    assert raw_paths(server) == [
        b"/api/v2/journey/sessions/%2E%2E/segments",
        b"/api/v2/journey/customers/%2E%2E/%2E%2E/segments",
    ]
