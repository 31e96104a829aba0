"""Dot-segment ids against a real server: it reads ``%2E%2E`` back as ``..``."""

from __future__ import annotations

import pytest

from journeyapi.client import JourneyApi, NotFoundError

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("session", ["..", "."])
def test_a_dot_session_is_an_unknown_session(api: JourneyApi, session: str) -> None:
    # Unescaped, ".." listed the segment catalogue as if it were assignments.
    with pytest.raises(NotFoundError) as caught:
        list(api.iter_segment_assignments(session_id=session))

    assert caught.value.status == 404
    assert caught.value.code == "not.found"


@pytest.mark.parametrize("contact", ["..", "."])
def test_a_dot_external_contact_is_unknown(api: JourneyApi, contact: str) -> None:
    with pytest.raises(NotFoundError):
        api.get_journey_externalcontact_segments(contact)


@pytest.mark.parametrize(
    ("kind", "customer", "self_uri"),
    [
        ("email", "..", "/api/v2/journey/customers/email/%2E%2E/segments"),
        ("..", ".", "/api/v2/journey/customers/%2E%2E/%2E/segments"),
    ],
)
def test_a_dot_customer_has_no_assignments(
    api: JourneyApi, kind: str, customer: str, self_uri: str
) -> None:
    listing = api.get_journey_customer_customer_id_segments(kind, customer)

    assert listing.entities == []
    assert listing.next_uri is None
    # The server read the ids back as dots, and escapes them again itself.
    assert listing.self_uri == self_uri


def test_a_dot_action_target_is_not_found(api: JourneyApi) -> None:
    with pytest.raises(NotFoundError) as caught:
        api.get_journey_actiontarget("..")

    assert caught.value.status == 404
