"""The error classes of the segment and aggregate operations, caused for real."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from journeyapi.auth.permissions import (
    ACTION_TARGET_VIEW,
    JOURNEY_AGGREGATE_VIEW,
    SEGMENT_ASSIGNMENT_ADD,
    SEGMENT_ASSIGNMENT_VIEW,
)
from journeyapi.client import (
    ApiStatusError,
    AsyncJourneyApi,
    AuthenticationError,
    BadRequestError,
    JourneyApi,
    NotFoundError,
    PermissionDeniedError,
)
from journeyapi.demo.segments import ANN, ANN_SESSION, BOB_SESSION
from journeyapi.storage.database import open_database
from tests.client.conftest import RunningServer
from tests.client.live import Provisioner, new_customer

pytestmark = pytest.mark.conformance

WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"


class CountingTransport(httpx.HTTPTransport):
    """A real transport that counts the logins that pass through it."""

    def __init__(self) -> None:
        super().__init__()
        self.logins = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            self.logins += 1
        return super().handle_request(request)


def client_of(server: RunningServer, *permissions: str, **options: Any) -> JourneyApi:
    client_id, secret = server.create_client(*permissions)
    return JourneyApi(
        base_url=server.base_url, client_id=client_id, client_secret=secret, **options
    )


# Non-numbers are refused before sending (test_bodies); ranges are the server's.
@pytest.mark.parametrize("size", [0, 201, "500"])
def test_a_bad_page_size_is_a_bad_request(api: JourneyApi, size: int | str) -> None:
    with pytest.raises(BadRequestError) as caught:
        api.get_journey_externalcontact_segments(ANN, page_size=size)

    assert caught.value.status == 400
    assert caught.value.code == "invalid.value"
    assert caught.value.message_params == {
        "value": str(size),
        "field": "pageSize",
        "allowed": "integers from 1 to 200",
    }


def test_a_bad_cursor_is_a_bad_request(api: JourneyApi) -> None:
    other_listing = api.get_journey_session_segments(ANN_SESSION, page_size=1)
    assert other_listing.next_uri is not None
    foreign = other_listing.next_uri.rsplit("after=", 1)[1]

    for cursor in ("not-a-cursor", foreign):
        with pytest.raises(BadRequestError) as caught:
            api.get_journey_session_segments(BOB_SESSION, after=cursor)

        assert caught.value.status == 400
        assert caught.value.message_params == {
            "value": cursor,
            "field": "after",
            "allowed": "a cursor from the nextUri of this same listing",
        }
        assert caught.value.body is not None
        assert [detail.field_name for detail in caught.value.body.details or ()] == [
            "after"
        ]


def test_an_aggregate_query_the_server_refuses_is_a_bad_request(
    api: JourneyApi,
) -> None:
    with pytest.raises(BadRequestError) as zone:
        api.post_analytics_journeys_aggregates_query(
            {"interval": WEEK, "metrics": ["nJourneySessions"], "timeZone": "Mars/Base"}
        )
    with pytest.raises(BadRequestError) as uneven:
        api.post_analytics_journeys_aggregates_query(
            {"interval": WEEK, "metrics": ["nJourneySessions"], "granularity": "P3D"}
        )

    assert zone.value.message_params["field"] == "timeZone"
    assert zone.value.message_params["value"] == "Mars/Base"
    assert uneven.value.status == 400


def test_an_unknown_metric_is_refused_by_the_client_as_the_server_would(
    api: JourneyApi, server: RunningServer
) -> None:
    query = {"interval": WEEK, "metrics": ["nJourneySessions", "nBogus"]}
    token = Provisioner(server).headers

    with pytest.raises(Exception) as caught:
        api.post_analytics_journeys_aggregates_query(query)
    answer = httpx.post(
        f"{server.base_url}/api/v2/analytics/journeys/aggregates/query",
        json=query,
        headers=token,
    )

    # The client refuses before sending, with the server's own list of metrics.
    refused = caught.value
    assert not isinstance(refused, ApiStatusError)
    assert getattr(refused, "status", "absent") is None
    assert answer.status_code == 400
    params = answer.json()["messageParams"]
    assert (params["field"], params["value"]) == ("metrics", "nBogus")
    assert str(refused) == (
        f"metrics[1]: 'nBogus' is not allowed; one of {params['allowed']}"
    )


def test_a_bad_token_is_an_authentication_error(server: RunningServer) -> None:
    with JourneyApi(base_url=server.base_url, access_token="not-a-token") as api:
        calls = [
            lambda: api.get_journey_session_segments(ANN_SESSION),
            lambda: api.get_journey_customer_customer_id_segments("email", "a@b.c"),
            lambda: api.post_journey_externalcontact_segments(ANN, []),
            lambda: api.post_analytics_journeys_aggregates_query(
                {"interval": WEEK, "metrics": ["nJourneySessions"]}
            ),
        ]
        for call in calls:
            with pytest.raises(AuthenticationError) as caught:
                call()
            assert caught.value.status == 401
            assert caught.value.code == "bad.credentials"


def test_a_revoked_token_is_renewed_once(server: RunningServer) -> None:
    transport = CountingTransport()
    client_id, secret = server.create_client(SEGMENT_ASSIGNMENT_VIEW)

    with JourneyApi(
        base_url=server.base_url,
        client_id=client_id,
        client_secret=secret,
        transport=transport,
    ) as api:
        before = api.get_journey_session_segments(ANN_SESSION)
        database = open_database(server.database_url)
        try:
            revoked = database.execute(
                "DELETE FROM oauth_tokens WHERE client_id = :client_id",
                {"client_id": client_id},
            )
        finally:
            database.close()
        after = api.get_journey_session_segments(ANN_SESSION)
        again = api.get_journey_session_segments(ANN_SESSION)

    assert revoked == 1
    assert after == before == again
    # One login at first, one after the server answered 401, none more.
    assert transport.logins == 2


@pytest.mark.parametrize(
    ("permission", "call", "needed"),
    [
        (
            ACTION_TARGET_VIEW,
            lambda api: api.get_journey_externalcontact_segments(ANN),
            "[journey:segmentassignment:view]",
        ),
        (
            ACTION_TARGET_VIEW,
            lambda api: api.get_journey_session_segments(ANN_SESSION),
            "[journey:segmentassignment:view]",
        ),
        (
            SEGMENT_ASSIGNMENT_VIEW,
            lambda api: api.post_journey_externalcontact_segments(ANN, []),
            "[journey:segmentassignment:add, journey:segmentassignment:delete]",
        ),
        (
            SEGMENT_ASSIGNMENT_VIEW,
            lambda api: api.post_analytics_journeys_aggregates_query(
                {"interval": WEEK, "metrics": ["nJourneySessions"]}
            ),
            f"[{JOURNEY_AGGREGATE_VIEW}]",
        ),
    ],
)
def test_a_missing_permission_is_permission_denied(
    server: RunningServer, permission: str, call: Any, needed: str
) -> None:
    with (
        client_of(server, permission) as api,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        call(api)

    assert caught.value.status == 403
    assert caught.value.code == "missing.any.permissions"
    assert caught.value.message_params == {"permissions": needed}


def test_unassigning_needs_the_delete_permission(server: RunningServer) -> None:
    own = new_customer(Provisioner(server), 1)
    [segment] = own.customer_segments

    with client_of(server, SEGMENT_ASSIGNMENT_ADD) as api:
        api.post_journey_externalcontact_segments(
            own.contact, [{"segmentId": segment, "state": "Assigned"}]
        )
        with pytest.raises(PermissionDeniedError) as caught:
            api.post_journey_externalcontact_segments(
                own.contact, [{"segmentId": segment, "state": "Unassigned"}]
            )

    assert caught.value.status == 403
    assert "journey:segmentassignment:delete" in caught.value.message


def test_the_async_client_raises_the_same_classes(server: RunningServer) -> None:
    client_id, secret = server.create_client(SEGMENT_ASSIGNMENT_VIEW)

    async def run() -> list[tuple[type[BaseException], int | None, str | None]]:
        found: list[tuple[type[BaseException], int | None, str | None]] = []
        async with (
            AsyncJourneyApi(
                base_url=server.base_url, client_id=client_id, client_secret=secret
            ) as viewer,
            AsyncJourneyApi(base_url=server.base_url, access_token="nope") as stranger,
        ):
            calls = [
                viewer.get_journey_session_segments(ANN_SESSION, page_size=0),
                viewer.get_journey_session_segments(ANN_SESSION, after="garbled"),
                viewer.get_journey_externalcontact_segments(str(uuid.uuid4())),
                viewer.post_journey_externalcontact_segments(ANN, []),
                viewer.post_analytics_journeys_aggregates_query(
                    {"interval": WEEK, "metrics": ["nJourneySessions"]}
                ),
                stranger.get_journey_customer_customer_id_segments("email", "a@b.c"),
            ]
            for call in calls:
                try:
                    await call
                except ApiStatusError as error:
                    found.append((type(error), error.status, error.code))
        return found

    assert asyncio.run(run()) == [
        (BadRequestError, 400, "invalid.value"),
        (BadRequestError, 400, "invalid.value"),
        (NotFoundError, 404, "not.found"),
        (PermissionDeniedError, 403, "missing.any.permissions"),
        (PermissionDeniedError, 403, "missing.any.permissions"),
        (AuthenticationError, 401, "bad.credentials"),
    ]
