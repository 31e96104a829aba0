"""The official Genesys Python SDK, unmodified, against a real journeyapi process.

The SDK is used exactly as its users use it: point the configuration at a host,
fetch a client-credentials token, call ``JourneyApi``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import PureCloudPlatformClientV2 as genesys
import pytest
from PureCloudPlatformClientV2.rest import ApiException

from journeyapi.auth.permissions import ACTION_TARGET_EDIT
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from tests.conformance.conftest import RunningServer

pytestmark = pytest.mark.conformance

ERROR_BODY_KEYS = {
    "message",
    "code",
    "status",
    "messageWithParams",
    "messageParams",
    "contextId",
    "details",
    "errors",
}


def journey_api(
    server: RunningServer, client_id: str, secret: str
) -> genesys.JourneyApi:
    genesys.configuration.host = server.base_url
    api_client = genesys.api_client.ApiClient().get_client_credentials_token(
        client_id, secret
    )
    return genesys.JourneyApi(api_client)


@pytest.fixture
def api(server: RunningServer) -> Iterator[genesys.JourneyApi]:
    yield journey_api(server, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def test_walks_every_page_of_action_targets(api: genesys.JourneyApi) -> None:
    expected = sorted(
        demo_action_targets(), key=lambda target: (target.name, target.id)
    )
    seen = []
    page_number = 1
    while True:
        listing = api.get_journey_actiontargets(page_number=page_number, page_size=4)
        assert listing.page_number == page_number
        assert listing.page_size == 4
        assert listing.total == len(expected)
        assert listing.page_count == 4
        seen += listing.entities
        if listing.next_uri is None:
            break
        assert listing.next_uri == (
            f"/api/v2/journey/actiontargets?pageSize=4&pageNumber={page_number + 1}"
        )
        page_number += 1

    assert page_number == 4
    assert [target.id for target in seen] == [target.id for target in expected]
    assert {target.state for target in seen} == {"active", "inactive", "deleted"}


def test_reads_one_action_target(api: genesys.JourneyApi) -> None:
    demo = demo_action_targets()[0]

    target = api.get_journey_actiontarget(demo.id)

    assert target.id == demo.id
    assert target.name == "Billing"
    assert target.state == "active"
    assert target.supported_media_types == ["webchat", "call"]
    assert target.user_data[0].key == "region"
    assert target.user_data[0].value == "EMEA"
    assert target.service_level.percentage == 0.8
    assert target.service_level.duration_ms == 20000
    assert target.self_uri == f"/api/v2/journey/actiontargets/{demo.id}"
    assert target.created_date.isoformat() == "2020-10-01T09:00:00+00:00"


def test_patches_an_action_target(api: genesys.JourneyApi) -> None:
    demo = demo_action_targets()[1]
    body = genesys.PatchActionTarget()
    body.name = "Callback Desk (EU)"
    body.service_level = genesys.ServiceLevel()
    body.service_level.percentage = 0.9
    body.service_level.duration_ms = 45000

    updated = api.patch_journey_actiontarget(demo.id, body=body)

    assert updated.name == "Callback Desk (EU)"
    assert updated.service_level.duration_ms == 45000
    assert updated.state == "active"
    assert api.get_journey_actiontarget(demo.id).name == "Callback Desk (EU)"


def test_missing_permission_is_a_403_error_body(server: RunningServer) -> None:
    client_id, secret = server.create_client(ACTION_TARGET_EDIT)
    api = journey_api(server, client_id, secret)

    with pytest.raises(ApiException) as raised:
        api.get_journey_actiontargets()

    assert raised.value.status == 403
    body = json.loads(raised.value.body)
    assert set(body) == ERROR_BODY_KEYS
    assert body["code"] == "missing.any.permissions"
    assert body["messageParams"] == {"permissions": "[journey:actiontarget:view]"}
    assert body["contextId"] == raised.value.headers["ININ-Correlation-Id"]


def test_unknown_action_target_is_a_404_error_body(api: genesys.JourneyApi) -> None:
    with pytest.raises(ApiException) as raised:
        api.get_journey_actiontarget("0b5a0c55-0000-4000-8000-000000000000")

    assert raised.value.status == 404
    body = json.loads(raised.value.body)
    assert set(body) == ERROR_BODY_KEYS | {"entityId"}
    assert body["entityId"] == "0b5a0c55-0000-4000-8000-000000000000"
    assert body["code"] == "not.found"
    assert body["status"] == 404
    assert body["message"] == "The requested resource was not found."


def test_a_patch_without_body_is_refused(api: genesys.JourneyApi) -> None:
    # The SDK sends the JSON text null when the body is omitted.
    with pytest.raises(ApiException) as raised:
        api.patch_journey_actiontarget(demo_action_targets()[2].id)

    assert raised.value.status == 400
    assert json.loads(raised.value.body)["code"] == "bad.request"
