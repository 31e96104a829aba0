"""The official SDK's four segment-assignment operations against a real server."""

from __future__ import annotations

import json
import uuid

import PureCloudPlatformClientV2 as genesys
import pytest
from PureCloudPlatformClientV2.rest import ApiException

from journeyapi.auth.permissions import SEGMENT_ASSIGNMENT_VIEW
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.conformance.conftest import RunningServer
from tests.conformance.test_official_sdk import journey_api

pytestmark = pytest.mark.conformance


@pytest.fixture
def api(server: RunningServer) -> genesys.JourneyApi:
    return journey_api(server, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def _created(server: RunningServer, *args: str) -> dict[str, str]:
    created: dict[str, str] = json.loads(server.cli(*args))
    return created


def test_assign_then_read_back_through_every_listing(
    server: RunningServer, api: genesys.JourneyApi
) -> None:
    email = f"sdk-{uuid.uuid4().hex[:8]}@example.com"
    segment = _created(
        server, "segments", "create", "--name", "SDK", "--scope", "Customer"
    )
    body = genesys.ExternalContact()
    body.first_name = "Sdk"
    body.work_email = email
    contacts = genesys.ExternalContactsApi(api.api_client)
    contact = contacts.post_externalcontacts_contacts(body)
    session = _created(server, "sessions", "create", "--customer", f"email:{email}")
    update = genesys.SegmentAssignmentsUpdate()
    update.segment_id = segment["id"]
    update.state = "Assigned"

    api.post_journey_externalcontact_segments(contact.id, body=[update])

    listings = [
        api.get_journey_externalcontact_segments(contact.id, page_size="5"),
        api.get_journey_customer_customer_id_segments("email", email),
        api.get_journey_session_segments(session["id"], segment_scope="Customer"),
        api.get_journey_customer_customer_id_segments(
            "email", email, assignment_state="Assigned", segment_scope="Customer"
        ),
    ]
    for listing in listings:
        [assignment] = listing.entities
        assert assignment.state == "Assigned"
        assert assignment.segment.id == segment["id"]
        assert assignment.segment.scope == "Customer"
        assert assignment.segment.version == 1
        assert assignment.external_contact.id == contact.id
        assert assignment.date_assigned == assignment.date_modified
        assert assignment.date_unassigned is None
        assert listing.next_uri is None


def test_demo_assignments_of_both_states_parse(api: genesys.JourneyApi) -> None:
    from journeyapi.demo.segments import BOB, BOB_SESSION

    contact = api.get_journey_externalcontact_segments(BOB)
    session = api.get_journey_session_segments(BOB_SESSION)

    # Bob's customer-scoped assignment, and the session-scoped one of his
    # ended session: both read back unassigned.
    assert sorted(item.segment.scope for item in contact.entities) == [
        "Customer",
        "Session",
    ]
    assert {item.state for item in contact.entities} == {"Unassigned"}
    assert [item.state for item in session.entities] == ["Unassigned"] * 2
    assert [item.session.type for item in session.entities if item.session] == ["app"]


def test_errors_are_api_exceptions(
    server: RunningServer, api: genesys.JourneyApi
) -> None:
    from journeyapi.demo.segments import ANN

    with pytest.raises(ApiException) as bad:
        api.get_journey_externalcontact_segments(ANN, page_size="500")
    with pytest.raises(ApiException) as missing:
        api.get_journey_session_segments(str(uuid.uuid4()))
    client_id, secret = server.create_client(SEGMENT_ASSIGNMENT_VIEW)
    viewer = journey_api(server, client_id, secret)
    with pytest.raises(ApiException) as forbidden:
        viewer.post_journey_externalcontact_segments(ANN, body=[])

    assert bad.value.status == 400
    assert json.loads(bad.value.body)["messageParams"]["field"] == "pageSize"
    assert missing.value.status == 404
    assert forbidden.value.status == 403
    assert json.loads(forbidden.value.body)["code"] == "missing.any.permissions"


@pytest.mark.parametrize(
    "customer_id",
    ["ann+tag@example.com", "Zoë Ünal 東京", "a/b", "%2F stays %2F"],
)
def test_odd_customer_ids_round_trip_through_the_sdk(
    server: RunningServer, api: genesys.JourneyApi, customer_id: str
) -> None:
    # The SDK quotes path values leaving "/" as it is; the server takes a raw
    # "/" in customerId as part of the id, and decodes %XX exactly once.
    unique = f"{customer_id} {uuid.uuid4().hex[:6]}"
    segment = _created(
        server, "segments", "create", "--name", "Odd", "--scope", "Session"
    )
    session = _created(server, "sessions", "create", "--customer", f"email:{unique}")
    server.cli("assign", "--session", session["id"], "--segment", segment["id"])

    listing = api.get_journey_customer_customer_id_segments("email", unique)

    [assignment] = listing.entities
    assert (assignment.customer_id, assignment.customer_id_type) == (unique, "email")
    assert assignment.session.id == session["id"]
    other = api.get_journey_customer_customer_id_segments("email", unique + "x")
    assert other.entities == []
