"""The rules of POST /api/v2/journey/externalcontacts/{id}/segments (spec 0, A.8)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from journeyapi.auth.permissions import (
    SEGMENT_ASSIGNMENT_ADD,
    SEGMENT_ASSIGNMENT_DELETE,
    SEGMENT_ASSIGNMENT_VIEW,
)
from journeyapi.services import Services
from tests.segments.conftest import Headers, Maker


def post(client: TestClient, contact: str, body: Any, headers: Headers) -> Any:
    return client.post(
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        content=json.dumps(body),
        headers={**headers, "Content-Type": "application/json"},
    )


def rows(services: Services) -> int:
    row = services.db.fetch_one("SELECT count(*) AS n FROM segment_assignments")
    assert row is not None
    return int(row["n"])


def test_assign_creates_an_assignment_read_back_exactly(
    client: TestClient, make: Maker
) -> None:
    segment = make.segment()
    contact = make.contact(workEmail="ann@example.com")

    make.assign(contact, segment)

    body = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")
    entity = body["entities"][0]
    assert body == {
        "entities": [entity],
        "selfUri": f"/api/v2/journey/externalcontacts/{contact}/segments",
    }
    assert entity == {
        "id": entity["id"],
        "state": "Assigned",
        "dateAssigned": "2026-01-05T12:00:00.000Z",
        "dateModified": "2026-01-05T12:00:00.000Z",
        "segment": {
            "id": segment,
            "scope": "Customer",
            "version": 1,
            "selfUri": f"/api/v2/journey/segments/{segment}",
        },
        "customerId": contact,
        "customerIdType": "externalContactId",
        "externalContact": {
            "id": contact,
            "selfUri": f"/api/v2/externalcontacts/contacts/{contact}",
        },
    }


def test_a_null_body_is_400_and_an_empty_list_a_204_no_op(
    client: TestClient, make: Maker, services: Services
) -> None:
    contact = make.contact()

    refused = post(client, contact, None, make.headers)
    accepted = post(client, contact, [], make.headers)

    assert refused.status_code == 400
    assert refused.json()["code"] == "bad.request"
    assert accepted.status_code == 204
    assert accepted.content == b""
    assert rows(services) == 0


def test_an_unknown_segment_is_400_naming_segment_id(
    client: TestClient, make: Maker, services: Services
) -> None:
    contact = make.contact()
    good = make.segment()
    unknown = str(uuid.uuid4())

    response = post(
        client,
        contact,
        [
            {"segmentId": good, "state": "Assigned"},
            {"segmentId": unknown, "state": "Assigned"},
        ],
        make.headers,
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid.value"
    assert body["messageParams"] == {"segmentId": unknown}
    assert body["details"] == [
        {"errorCode": "invalid.value", "fieldName": "segmentId", "entityId": unknown}
    ]
    # All or nothing: the good item was not applied either.
    assert rows(services) == 0


def test_a_session_scoped_segment_cannot_be_posted_to_a_contact(
    client: TestClient, make: Maker
) -> None:
    contact = make.contact()
    segment = make.segment("Browsing", "Session")

    response = post(
        client, contact, [{"segmentId": segment, "state": "Assigned"}], make.headers
    )

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "segmentId": segment,
        "scope": "Session",
        "allowed": "Customer",
    }


def test_the_same_segment_twice_is_400(client: TestClient, make: Maker) -> None:
    contact = make.contact()
    segment = make.segment()

    response = post(
        client,
        contact,
        [
            {"segmentId": segment, "state": "Assigned"},
            {"segmentId": segment, "state": "Unassigned"},
        ],
        make.headers,
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Segment [{segment}] appears more than once in the request."
    )


def test_more_than_ten_items_is_400_stating_the_limit(
    client: TestClient, make: Maker, services: Services
) -> None:
    contact = make.contact()
    segments = [make.segment(f"S{index}") for index in range(11)]

    response = post(
        client,
        contact,
        [{"segmentId": segment, "state": "Assigned"} for segment in segments],
        make.headers,
    )
    ten = post(
        client,
        contact,
        [{"segmentId": segment, "state": "Assigned"} for segment in segments[:10]],
        make.headers,
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        "Value [11 items] is not valid for field type [body]. "
        "Allowable values are: arrays of at most 10 items"
    )
    assert response.json()["details"] == [
        {"errorCode": "invalid.value", "fieldName": "body"}
    ]
    assert ten.status_code == 204
    assert rows(services) == 10


def test_an_item_without_state_or_with_an_unknown_state_is_400(
    client: TestClient, make: Maker
) -> None:
    contact = make.contact()
    segment = make.segment()

    missing = post(client, contact, [{"segmentId": segment}], make.headers)
    lower = post(
        client, contact, [{"segmentId": segment, "state": "assigned"}], make.headers
    )

    assert missing.status_code == 400
    assert missing.json()["messageParams"]["field"] == "body[0].state"
    assert lower.status_code == 400
    assert lower.json()["messageParams"]["value"] == "assigned"


def test_an_unknown_contact_is_404(client: TestClient, make: Maker) -> None:
    segment = make.segment()
    unknown = str(uuid.uuid4())

    response = post(
        client, unknown, [{"segmentId": segment, "state": "Assigned"}], make.headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not.found"
    assert response.json()["entityId"] == unknown


def test_the_route_needs_add_or_delete(
    client: TestClient, make: Maker, token_for: Callable[..., Headers]
) -> None:
    contact = make.contact()

    response = post(client, contact, [], token_for(SEGMENT_ASSIGNMENT_VIEW))

    assert response.status_code == 403
    assert response.json()["messageParams"] == {
        "permissions": (
            "[journey:segmentassignment:add, journey:segmentassignment:delete]"
        )
    }


def test_each_item_needs_its_own_permission(
    client: TestClient,
    make: Maker,
    services: Services,
    token_for: Callable[..., Headers],
) -> None:
    contact = make.contact()
    first, second = make.segment("A"), make.segment("B")
    only_add = token_for(SEGMENT_ASSIGNMENT_ADD)
    only_delete = token_for(SEGMENT_ASSIGNMENT_DELETE)

    unassign = post(
        client,
        contact,
        [
            {"segmentId": first, "state": "Assigned"},
            {"segmentId": second, "state": "Unassigned"},
        ],
        only_add,
    )
    assign = post(
        client, contact, [{"segmentId": first, "state": "Assigned"}], only_delete
    )

    assert unassign.status_code == 403
    assert unassign.json()["messageParams"] == {
        "permissions": "[journey:segmentassignment:delete]"
    }
    assert assign.status_code == 403
    assert assign.json()["messageParams"] == {
        "permissions": "[journey:segmentassignment:add]"
    }
    assert rows(services) == 0


def test_unassign_sets_the_dates_and_unassigning_again_is_a_no_op(
    client: TestClient, make: Maker, clock: Any
) -> None:
    from datetime import timedelta

    contact = make.contact()
    segment = make.segment()
    make.assign(contact, segment)
    clock.advance(timedelta(hours=2))

    make.assign(contact, segment, state="Unassigned")
    clock.advance(timedelta(hours=1))
    make.assign(contact, segment, state="Unassigned")

    entity = make.listing(f"/api/v2/journey/externalcontacts/{contact}/segments")[
        "entities"
    ][0]
    assert entity["state"] == "Unassigned"
    assert entity["dateAssigned"] == "2026-01-05T12:00:00.000Z"
    assert entity["dateUnassigned"] == "2026-01-05T14:00:00.000Z"
    assert entity["dateModified"] == "2026-01-05T14:00:00.000Z"


def test_unassigning_a_segment_never_assigned_is_a_no_op(
    client: TestClient, make: Maker, services: Services
) -> None:
    contact = make.contact()
    segment = make.segment()

    make.assign(contact, segment, state="Unassigned")

    assert rows(services) == 0


def test_an_inactive_segment_cannot_be_assigned(
    client: TestClient, make: Maker
) -> None:
    contact = make.contact()
    segment = make.segment(isActive=False)

    response = post(
        client, contact, [{"segmentId": segment, "state": "Assigned"}], make.headers
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f"Segment [{segment}] is not active and cannot be assigned."
    )


def test_every_change_is_written_to_the_outbox_as_a_journey_event(
    client: TestClient, make: Maker, services: Services, clock: Any
) -> None:
    from datetime import timedelta

    from journeyapi.analytics import outbox

    contact = make.contact()
    segment = make.segment()
    make.assign(contact, segment)
    clock.advance(timedelta(minutes=5))
    make.assign(contact, segment)
    clock.advance(timedelta(minutes=5))
    make.assign(contact, segment, state="Unassigned")

    events = [pending.event for pending in outbox.pending(services.db)]
    assert [(e.event_type.value, e.event_time.isoformat()) for e in events] == [
        ("segmentAssigned", "2026-01-05T12:00:00+00:00"),
        ("segmentAssigned", "2026-01-05T12:05:00+00:00"),
        ("segmentUnassigned", "2026-01-05T12:10:00+00:00"),
    ]
    assert {e.journey_segment_id for e in events} == {segment}
    assert {e.journey_segment_scope for e in events} == {"Customer"}
    assert {e.journey_customer_id for e in events} == {contact}
    assert {e.journey_customer_id_type for e in events} == {"externalContactId"}
    assert len({e.id for e in events}) == 3
