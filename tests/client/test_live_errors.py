"""Every exception class, caused for real against a running server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from journeyapi.auth.permissions import SEGMENT_ASSIGNMENT_VIEW
from journeyapi.client import (
    ApiStatusError,
    AuthenticationError,
    BadRequestError,
    ErrorBody,
    InvalidRequestError,
    JourneyApi,
    JourneyApiError,
    LoginError,
    NotFoundError,
    PermissionDeniedError,
    RequestTimeout,
    RetryPolicy,
    TransportError,
)
from journeyapi.demo import DEMO_CLIENT_ID
from tests.client.conftest import RunningServer

pytestmark = pytest.mark.conformance

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_not_found_carries_the_genesys_error_body(api: JourneyApi) -> None:
    with pytest.raises(NotFoundError) as caught:
        api.get_journey_actiontarget(UNKNOWN)

    error = caught.value
    assert isinstance(error, ApiStatusError)
    assert isinstance(error, JourneyApiError)
    assert error.status == 404
    assert error.code == "not.found"
    assert error.message == "The requested resource was not found."
    assert error.correlation_id is not None
    assert error.context_id == error.correlation_id
    assert isinstance(error.body, ErrorBody)
    assert error.body.status == 404
    assert str(error) == "404 not.found: The requested resource was not found."


def test_bad_request_names_the_parameter(api: JourneyApi) -> None:
    with pytest.raises(BadRequestError) as caught:
        api.get_journey_actiontargets(page_size=101)

    assert caught.value.status == 400
    assert caught.value.code == "invalid.value"
    assert caught.value.message_params == {
        "value": "101",
        "field": "pageSize",
        "allowed": "integers from 1 to 100",
    }


def test_bad_request_on_patch(api: JourneyApi) -> None:
    with pytest.raises(BadRequestError) as caught:
        api.patch_journey_actiontarget(UNKNOWN, {"name": ""})

    assert caught.value.status == 400


def test_an_unknown_token_is_an_authentication_error(server: RunningServer) -> None:
    with (
        JourneyApi(base_url=server.base_url, access_token="not-a-token") as api,
        pytest.raises(AuthenticationError) as caught,
    ):
        api.get_journey_actiontargets()

    assert caught.value.status == 401
    assert caught.value.code == "bad.credentials"


def test_a_missing_permission_is_permission_denied(server: RunningServer) -> None:
    client_id, secret = server.create_client(SEGMENT_ASSIGNMENT_VIEW)

    with (
        JourneyApi(
            base_url=server.base_url, client_id=client_id, client_secret=secret
        ) as api,
        pytest.raises(PermissionDeniedError) as caught,
    ):
        api.get_journey_actiontargets()

    assert caught.value.status == 403
    assert caught.value.code == "missing.any.permissions"
    assert caught.value.message_params == {"permissions": "[journey:actiontarget:view]"}


def test_a_wrong_secret_is_a_login_error(server: RunningServer) -> None:
    with (
        JourneyApi(
            base_url=server.base_url, client_id=DEMO_CLIENT_ID, client_secret="wrong"
        ) as api,
        pytest.raises(LoginError) as caught,
    ):
        api.get_journey_actiontarget(UNKNOWN)

    assert caught.value.status == 401
    assert caught.value.error == "invalid_client"
    assert caught.value.message.startswith("login refused: ")


def test_a_bad_enum_value_is_refused_before_sending(api: JourneyApi) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        api.get_journey_session_segments(UNKNOWN, segment_scope="session")

    assert caught.value.status is None
    assert caught.value.field == "segmentScope"
    assert str(caught.value) == (
        "segmentScope: 'session' is not allowed; one of Session, Customer"
    )


def test_a_closed_port_is_a_transport_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there any more.

    with (
        JourneyApi(
            base_url=f"http://127.0.0.1:{port}",
            access_token="token",
            retry=RetryPolicy(max_attempts=2, backoff=0.0),
        ) as api,
        pytest.raises(TransportError) as caught,
    ):
        api.get_journey_actiontargets()

    assert not isinstance(caught.value, RequestTimeout)
    assert caught.value.status is None
    assert caught.value.method == "GET"
    assert caught.value.url.startswith(f"http://127.0.0.1:{port}/api/v2/journey/")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_no_answer_in_time_is_a_request_timeout(silent_port: int) -> None:
    with (
        JourneyApi(
            base_url=f"http://127.0.0.1:{silent_port}",
            access_token="token",
            timeout=0.2,
            retry=RetryPolicy(max_attempts=1),
        ) as api,
        pytest.raises(RequestTimeout) as caught,
    ):
        api.get_journey_actiontargets()

    assert isinstance(caught.value, TransportError)
    assert "no answer in time (ReadTimeout)" in str(caught.value)
