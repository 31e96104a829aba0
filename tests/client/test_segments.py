"""Segment assignments, answered as the contract says the server answers."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from journeyapi.client import (
    AssignmentState,
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    PagingError,
    SegmentAssignmentsUpdate,
    SegmentScope,
)
from tests.client.conftest import error_response, fake

SEGMENT = "5e8d2c1a-0b7f-4a3e-9c61-2f4d8e7a1b90"
CONTACT = "c0ffee00-1111-4222-8333-444455556666"
SESSION = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"


def assignment(number: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "state": "Assigned",
        "dateAssigned": "2020-11-05T14:03:22.123Z",
        "dateModified": "2020-11-05T14:03:22.123Z",
        "segment": {
            "id": SEGMENT,
            "scope": "Customer",
            "version": 2,
            "selfUri": f"/api/v2/journey/segments/{SEGMENT}",
        },
        "customerId": "ann@example.com",
        "customerIdType": "email",
        **extra,
    }


def listing(path: str, entities: list[dict[str, Any]], after: str | None) -> Any:
    body: dict[str, Any] = {"entities": entities, "selfUri": path}
    if after is not None:
        body["nextUri"] = f"{path}?pageSize=2&after={after}"
    return httpx.Response(200, json=body)


def test_by_customer_escapes_the_path_and_sends_the_filters() -> None:
    server = fake(lambda request: listing(request.url.path, [assignment(1)], None))

    with server.client() as api:
        found = api.get_journey_customer_customer_id_segments(
            "email",
            "ann+1@example.com/x",
            page_size=50,
            after="b64cursor",
            segment_scope=SegmentScope.CUSTOMER,
            assignment_state="Assigned",
        )

    sent = server.requests[0]
    assert sent.method == "GET"
    assert sent.url.raw_path == (
        b"/api/v2/journey/customers/email/ann%2B1%40example.com%2Fx/segments"
        b"?pageSize=50&after=b64cursor&segmentScope=Customer&assignmentState=Assigned"
    )
    assert sent.headers["Authorization"] == "Bearer token-1"
    assert sent.headers["Accept"] == "application/json"
    entity = (found.entities or [])[0]
    assert entity.state is AssignmentState.ASSIGNED
    assert entity.segment is not None
    assert entity.segment.scope is SegmentScope.CUSTOMER
    assert entity.customer_id == "ann@example.com"


def test_by_external_contact_and_by_session() -> None:
    server = fake(lambda request: listing(request.url.path, [], None))

    with server.client() as api:
        api.get_journey_externalcontact_segments(CONTACT)
        api.get_journey_session_segments(SESSION, page_size="10")

    assert [request.url.raw_path for request in server.requests] == [
        f"/api/v2/journey/externalcontacts/{CONTACT}/segments".encode(),
        f"/api/v2/journey/sessions/{SESSION}/segments?pageSize=10".encode(),
    ]


def test_unknown_enum_values_in_answers_are_kept_as_text() -> None:
    later = assignment(1, state="Expired")
    later["segment"]["scope"] = "Household"
    server = fake(lambda request: listing(request.url.path, [later], None))

    with server.client() as api:
        found = api.get_journey_session_segments(SESSION)

    entity = (found.entities or [])[0]
    assert entity.state == "Expired"
    assert not isinstance(entity.state, AssignmentState)
    assert entity.segment is not None
    assert entity.segment.scope == "Household"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"segment_scope": "session"}, "segmentScope"),
        ({"segment_scope": "Both"}, "segmentScope"),
        ({"assignment_state": "assigned"}, "assignmentState"),
        ({"page_size": "ten"}, "pageSize"),
        ({"page_size": True}, "pageSize"),
        ({"after": ""}, "after"),
    ],
)
def test_bad_values_are_refused_before_any_request(
    arguments: dict[str, Any], field: str
) -> None:
    server = fake(lambda request: listing(request.url.path, [], None))

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.get_journey_session_segments(SESSION, **arguments)

    assert caught.value.field == field
    assert server.requests == []
    assert server.logins == []


def test_an_unknown_session_is_not_found() -> None:
    server = fake(
        lambda request: error_response(
            404, "not.found", "The requested resource was not found."
        )
    )

    with server.client() as api, pytest.raises(NotFoundError):
        api.get_journey_session_segments(SESSION)


def test_assigning_answers_204_with_no_body() -> None:
    server = fake(lambda request: httpx.Response(204))

    with server.client() as api:
        answer = api.post_journey_externalcontact_segments(
            CONTACT,
            [
                SegmentAssignmentsUpdate(
                    segment_id=SEGMENT, state=AssignmentState.ASSIGNED
                ),
                {"segmentId": "other", "state": "Unassigned"},
            ],
        )

    sent = server.requests[0]
    assert answer is None
    assert sent.method == "POST"
    assert sent.url.path == f"/api/v2/journey/externalcontacts/{CONTACT}/segments"
    assert sent.headers["Content-Type"] == "application/json"
    assert server.body() == [
        {"segmentId": SEGMENT, "state": "Assigned"},
        {"segmentId": "other", "state": "Unassigned"},
    ]


def test_an_empty_list_is_sent_as_an_empty_array() -> None:
    server = fake(lambda request: httpx.Response(204))

    with server.client() as api:
        api.post_journey_externalcontact_segments(CONTACT, [])

    assert server.requests[0].content == b"[]"


def test_a_bad_state_in_the_body_is_refused_before_sending() -> None:
    server = fake(lambda request: httpx.Response(204))

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.post_journey_externalcontact_segments(
            CONTACT, [{"segmentId": SEGMENT, "state": "assigned"}]
        )

    assert caught.value.field == "body[0].state"
    assert caught.value.value == "assigned"
    assert server.requests == []


def test_a_refused_assignment_is_a_bad_request() -> None:
    server = fake(
        lambda request: error_response(
            400, "bad.request", "Segment [x] has scope Session", segmentId="x"
        )
    )

    with server.client() as api, pytest.raises(BadRequestError) as caught:
        api.post_journey_externalcontact_segments(
            CONTACT, [{"segmentId": "x", "state": "Assigned"}]
        )

    assert caught.value.message_params == {"segmentId": "x"}
    assert len(server.requests) == 1


def pages(by_cursor: dict[str | None, tuple[list[int], str | None]]) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        numbers, after = by_cursor[request.url.params.get("after")]
        return listing(request.url.path, [assignment(n) for n in numbers], after)

    return answer


def test_iter_follows_the_cursor_to_the_page_without_next_uri() -> None:
    server = fake(
        pages({None: ([1, 2], "c1"), "c1": ([3, 4], "c2"), "c2": ([5], None)})
    )

    with server.client() as api:
        found = list(
            api.iter_segment_assignments(
                customer_id_type="email",
                customer_id="ann@example.com",
                page_size=2,
                assignment_state="Assigned",
            )
        )

    assert [item.id for item in found] == [
        f"00000000-0000-4000-8000-{n:012d}" for n in (1, 2, 3, 4, 5)
    ]
    assert [request.url.params.get("after") for request in server.requests] == [
        None,
        "c1",
        "c2",
    ]
    assert {request.url.params["assignmentState"] for request in server.requests} == {
        "Assigned"
    }


def test_iter_stops_on_an_empty_page_even_with_a_next_uri() -> None:
    server = fake(pages({None: ([1], "c1"), "c1": ([], "c2")}))

    with server.client() as api:
        found = list(api.iter_segment_assignments(session_id=SESSION))

    assert len(found) == 1
    assert len(server.requests) == 2


def test_iter_stops_with_an_error_on_a_repeated_cursor() -> None:
    server = fake(pages({None: ([1], "c1"), "c1": ([2], "c2"), "c2": ([3], "c1")}))

    with server.client() as api, pytest.raises(PagingError) as caught:
        list(api.iter_segment_assignments(external_contact_id=CONTACT))

    assert "the cursor 'c1' a second time" in str(caught.value)
    assert len(server.requests) == 3


def test_iter_refuses_a_next_uri_without_a_cursor() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"entities": [assignment(1)], "nextUri": "/x?pageSize=2"}
        )

    server = fake(answer)

    with server.client() as api, pytest.raises(PagingError):
        list(api.iter_segment_assignments(session_id=SESSION))


@pytest.mark.parametrize(
    "owner",
    [
        {},
        {"session_id": SESSION, "external_contact_id": CONTACT},
        {"customer_id": "ann@example.com"},
    ],
)
def test_iter_needs_exactly_one_owner(owner: dict[str, str]) -> None:
    server = fake(pages({None: ([1], None)}))

    with server.client() as api, pytest.raises(InvalidRequestError):
        list(api.iter_segment_assignments(**owner))

    assert server.requests == []


def test_the_async_iter_follows_the_cursor_and_detects_loops() -> None:
    server = fake(pages({None: ([1, 2], "c1"), "c1": ([3], "c1")}))

    async def run() -> list[str | None]:
        seen: list[str | None] = []
        async with server.async_client() as api:
            with pytest.raises(PagingError):
                async for item in api.iter_segment_assignments(session_id=SESSION):
                    seen.append(item.id)
            await api.post_journey_externalcontact_segments(CONTACT, [])
        return seen

    seen = asyncio.run(run())

    assert len(seen) == 3
    assert server.requests[-1].content == b"[]"
