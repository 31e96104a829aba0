"""PATCH semantics, date-times and regions: what the client sends, and where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from journeyapi.client import (
    UNSET,
    InvalidRequestError,
    JourneyApi,
    PatchActionTarget,
    ServiceLevel,
    action_target_patch,
    format_utc,
    parse_instant,
)
from journeyapi.client.regions import REGIONS, endpoints
from journeyapi.models.segments import SegmentAssignment
from tests.client.conftest import fake

TARGET = "f489d82b-56b7-50cb-b579-eba16b3eb8e1"


def sent_patch(body: Any) -> bytes:
    server = fake(lambda request: httpx.Response(200, json={"id": TARGET}))
    with server.client() as api:
        api.patch_journey_actiontarget(TARGET, body)
    request = server.requests[0]
    assert request.method == "PATCH"
    assert request.url.path == f"/api/v2/journey/actiontargets/{TARGET}"
    return request.content


@pytest.mark.parametrize(
    ("body", "wire"),
    [
        (action_target_patch(), b"{}"),
        (action_target_patch(name=UNSET), b"{}"),
        (action_target_patch(name="Sales"), b'{"name":"Sales"}'),
        (action_target_patch(name=None), b'{"name":null}'),
        (
            action_target_patch(short_abandon_threshold=0),
            b'{"shortAbandonThreshold":0}',
        ),
        (
            action_target_patch(service_level=ServiceLevel(percentage=0.0)),
            b'{"serviceLevel":{"percentage":0.0}}',
        ),
        (action_target_patch(service_level={}), b'{"serviceLevel":{}}'),
        (PatchActionTarget(name="Sales"), b'{"name":"Sales"}'),
        (PatchActionTarget(), b"{}"),
        ({}, b"{}"),
        ({"name": UNSET, "serviceLevel": None}, b'{"serviceLevel":null}'),
        ({"shortAbandonThreshold": 0}, b'{"shortAbandonThreshold":0}'),
        (
            {"serviceLevel": {"percentage": 0, "durationMs": 0}},
            b'{"serviceLevel":{"percentage":0,"durationMs":0}}',
        ),
        ({"name": "x", "userData": []}, b'{"name":"x","userData":[]}'),
    ],
)
def test_patch_sends_exactly_the_fields_set(body: Any, wire: bytes) -> None:
    assert sent_patch(body) == wire


def test_a_false_value_is_sent_as_false() -> None:
    assert sent_patch({"name": "x", "extension": False}) == (
        b'{"name":"x","extension":false}'
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ([], "body"),
        ({"name": 5}, "body.name"),
        ({"serviceLevel": {"percentage": "most"}}, "body.serviceLevel.percentage"),
    ],
)
def test_a_patch_body_of_the_wrong_shape_is_refused(body: Any, field: str) -> None:
    server = fake(lambda request: httpx.Response(200, json={}))

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.patch_journey_actiontarget(TARGET, body)

    assert caught.value.field == field
    assert server.requests == []


@pytest.mark.parametrize("action_target_id", ["", None])
def test_an_empty_id_is_refused(action_target_id: Any) -> None:
    server = fake(lambda request: httpx.Response(200, json={}))

    with server.client() as api, pytest.raises(InvalidRequestError):
        api.get_journey_actiontarget(action_target_id)

    assert server.requests == []


@pytest.mark.parametrize(
    ("text", "microsecond"),
    [
        ("2020-11-05T14:03:22.1Z", 100000),
        ("2020-11-05T14:03:22.12Z", 120000),
        ("2020-11-05T14:03:22.123Z", 123000),
        ("2020-11-05T14:03:22.123456Z", 123456),
        ("2020-11-05T14:03:22.123456789Z", 123456),
        ("2020-11-05T14:03:22Z", 0),
    ],
)
def test_date_times_with_0_to_9_fractional_digits_are_read(
    text: str, microsecond: int
) -> None:
    server = fake(
        lambda request: httpx.Response(
            200, json={"id": TARGET, "createdDate": text, "modifiedDate": text}
        )
    )

    with server.client() as api:
        target = api.get_journey_actiontarget(TARGET)

    assert target.created_date == datetime(
        2020, 11, 5, 14, 3, 22, microsecond, tzinfo=UTC
    )
    assert parse_instant(text) == target.created_date


def test_offsets_are_turned_into_utc() -> None:
    assigned = SegmentAssignment.model_validate(
        {"dateAssigned": "2020-11-05T14:03:22.123456789-05:30"}
    )

    assert assigned.date_assigned == datetime(
        2020, 11, 5, 19, 33, 22, 123456, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "text", ["2020-11-05T14:03:22", "2020-11-05T14:03:22.123", "yesterday"]
)
def test_text_without_an_offset_is_refused(text: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        parse_instant(text)

    assert caught.value.value == text


def test_date_times_are_sent_in_utc_with_z() -> None:
    paris = timezone(timedelta(hours=1))

    assert format_utc(datetime(2020, 11, 5, 15, 3, 22, 123456, tzinfo=paris)) == (
        "2020-11-05T14:03:22.123Z"
    )
    with pytest.raises(InvalidRequestError) as caught:
        format_utc(datetime(2020, 11, 5, 15, 3, 22))
    assert "naive" in str(caught.value)


@pytest.mark.parametrize(
    ("region", "api_url", "token_url"),
    [
        (
            "mypurecloud.ie",
            "https://api.mypurecloud.ie",
            "https://login.mypurecloud.ie/oauth/token",
        ),
        (
            "eu-west-1",
            "https://api.mypurecloud.ie",
            "https://login.mypurecloud.ie/oauth/token",
        ),
        (
            "usw2.pure.cloud",
            "https://api.usw2.pure.cloud",
            "https://login.usw2.pure.cloud/oauth/token",
        ),
        (
            "use2.us-gov-pure.cloud",
            "https://api.use2.us-gov-pure.cloud",
            "https://login.use2.us-gov-pure.cloud/oauth/token",
        ),
        (
            "MyPureCloud.com.au",
            "https://api.mypurecloud.com.au",
            "https://login.mypurecloud.com.au/oauth/token",
        ),
    ],
)
def test_a_region_has_its_api_and_login_hosts(
    region: str, api_url: str, token_url: str
) -> None:
    with JourneyApi(region=region, access_token="t") as api:
        assert (api.api_url, api.token_url) == (api_url, token_url)


def test_every_known_region_is_built_in() -> None:
    assert len(REGIONS) == 15
    assert {
        "mypurecloud.com",
        "mypurecloud.de",
        "mypurecloud.jp",
        "cac1.pure.cloud",
        "euw2.pure.cloud",
        "aps1.pure.cloud",
        "apne2.pure.cloud",
        "sae1.pure.cloud",
        "mec1.pure.cloud",
        "euc2.pure.cloud",
        "apne3.pure.cloud",
    } < set(REGIONS)


def test_a_journeyapi_server_serves_the_api_and_the_token() -> None:
    found = endpoints(base_url="http://127.0.0.1:8080/", region=None)

    assert (found.api_url, found.token_url) == (
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/oauth/token",
    )


def test_an_api_host_logs_in_at_its_login_sibling() -> None:
    found = endpoints(base_url="https://api.example.test", region=None)

    assert found.token_url == "https://login.example.test/oauth/token"


@pytest.mark.parametrize(
    "options",
    [
        {"region": "mars-1", "access_token": "t"},
        {"base_url": "ftp://x", "access_token": "t"},
        {"access_token": "t"},
        {"base_url": "http://x", "region": "mypurecloud.ie", "access_token": "t"},
        {"base_url": "http://x"},
        {"base_url": "http://x", "client_id": "id"},
        {
            "base_url": "http://x",
            "client_id": "id",
            "client_secret": "s",
            "access_token": "t",
        },
    ],
)
def test_construction_refuses_what_cannot_work(options: dict[str, str]) -> None:
    with pytest.raises(InvalidRequestError):
        JourneyApi(**options)  # type: ignore[arg-type]
