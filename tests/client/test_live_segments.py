"""Segment assignments through the client, against a real server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from journeyapi.client import (
    AssignmentState,
    AsyncJourneyApi,
    JourneyApi,
    NotFoundError,
    SegmentAssignment,
    SegmentAssignmentListing,
    SegmentScope,
)
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.client.conftest import RunningServer
from tests.client.live import Customer, Provisioner, new_customer

pytestmark = pytest.mark.conformance

CUSTOMER_SEGMENTS = 5


@pytest.fixture(scope="module")
def provision(server: RunningServer) -> Provisioner:
    return Provisioner(server)


@pytest.fixture(scope="module")
def customer(server: RunningServer, provision: Provisioner) -> Iterator[Customer]:
    """Five customer-scoped segments assigned to a contact through the client,
    the first of them unassigned again, and one session-scoped segment
    assigned in the contact's session: six assignments, five of them current."""
    made = new_customer(provision, CUSTOMER_SEGMENTS)
    with JourneyApi(
        base_url=server.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    ) as api:
        assigned = api.post_journey_externalcontact_segments(
            made.contact,
            [
                {"segmentId": segment, "state": "Assigned"}
                for segment in made.customer_segments
            ],
        )
        unassigned = api.post_journey_externalcontact_segments(
            made.contact,
            [{"segmentId": made.customer_segments[0], "state": "Unassigned"}],
        )
    assert (assigned, unassigned) == (None, None)
    provision.assign_in_session(made.session, made.session_segment)
    yield made


def segment_ids(listing: SegmentAssignmentListing) -> list[str]:
    return [
        (item.segment.id or "") if item.segment else "" for item in entities(listing)
    ]


def entities(listing: SegmentAssignmentListing) -> list[SegmentAssignment]:
    return list(listing.entities or ())


def cursor_of(listing: SegmentAssignmentListing) -> str:
    assert listing.next_uri is not None
    return parse_qs(urlsplit(listing.next_uri).query)["after"][0]


def every_segment(customer: Customer) -> set[str]:
    return {*customer.customer_segments, customer.session_segment}


def test_the_contact_listing_pages_by_cursor(
    api: JourneyApi, customer: Customer
) -> None:
    pages = [api.get_journey_externalcontact_segments(customer.contact, page_size=4)]
    pages.append(
        api.get_journey_externalcontact_segments(
            customer.contact, page_size="4", after=cursor_of(pages[0])
        )
    )

    assert [len(entities(page)) for page in pages] == [4, 2]
    assert pages[1].next_uri is None
    assert {id for page in pages for id in segment_ids(page)} == every_segment(customer)
    whole = api.get_journey_externalcontact_segments(customer.contact, page_size=200)
    assert segment_ids(whole) == segment_ids(pages[0]) + segment_ids(pages[1])
    assert pages[0].self_uri == (
        f"/api/v2/journey/externalcontacts/{customer.contact}/segments?pageSize=4"
    )


def test_the_contact_listing_is_typed(api: JourneyApi, customer: Customer) -> None:
    listing = api.get_journey_externalcontact_segments(
        customer.contact, segment_scope=SegmentScope.SESSION
    )

    [item] = entities(listing)
    assert item.state is AssignmentState.ASSIGNED
    assert item.segment is not None
    assert item.segment.id == customer.session_segment
    assert item.segment.scope is SegmentScope.SESSION
    assert item.segment.version == 1
    assert item.session is not None
    assert (item.session.id, item.session.type) == (customer.session, "web")
    assert (item.customer_id_type, item.customer_id) == ("email", customer.email)
    assert item.date_assigned is not None
    assert item.date_assigned.tzinfo is not None
    assert item.date_unassigned is None


def test_scope_and_state_narrow_every_listing(
    api: JourneyApi, customer: Customer
) -> None:
    listings = {
        "contact": lambda **filters: api.get_journey_externalcontact_segments(
            customer.contact, **filters
        ),
        "customer": lambda **filters: api.get_journey_customer_customer_id_segments(
            "email", customer.email, **filters
        ),
        "session": lambda **filters: api.get_journey_session_segments(
            customer.session, **filters
        ),
    }
    first, *others = customer.customer_segments

    for name, listing in listings.items():
        everything = listing()
        customer_scoped = listing(segment_scope="Customer")
        current = listing(assignment_state=AssignmentState.ASSIGNED)
        lapsed = listing(segment_scope="Customer", assignment_state="Unassigned")

        assert set(segment_ids(everything)) == every_segment(customer), name
        assert sorted(segment_ids(customer_scoped)) == sorted(
            customer.customer_segments
        ), name
        assert sorted(segment_ids(current)) == sorted(
            [*others, customer.session_segment]
        ), name
        assert segment_ids(lapsed) == [first], name
        [unassigned] = entities(lapsed)
        assert unassigned.state is AssignmentState.UNASSIGNED
        assert unassigned.date_unassigned == unassigned.date_modified


def test_an_unknown_customer_has_no_assignments(api: JourneyApi) -> None:
    listing = api.get_journey_customer_customer_id_segments(
        "email", f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    )

    assert listing.entities == []
    assert listing.next_uri is None


@pytest.mark.parametrize(
    "owner",
    [
        "external_contact_id",
        "session_id",
        "customer",
    ],
)
def test_iter_segment_assignments_follows_the_cursor_over_pages(
    api: JourneyApi, customer: Customer, owner: str
) -> None:
    if owner == "customer":
        where = {"customer_id_type": "email", "customer_id": customer.email}
    elif owner == "session_id":
        where = {"session_id": customer.session}
    else:
        where = {"external_contact_id": customer.contact}
    whole = api.get_journey_externalcontact_segments(customer.contact, page_size=200)

    walked = list(api.iter_segment_assignments(page_size=2, **where))
    narrowed = list(
        api.iter_segment_assignments(
            page_size=1, assignment_state="Assigned", segment_scope="Customer", **where
        )
    )

    # Three pages of two: the same assignments, once each, in the server's order.
    assert [item.id for item in walked] == [item.id for item in entities(whole)]
    assert len(walked) == CUSTOMER_SEGMENTS + 1
    assert sorted(item.segment.id or "" for item in narrowed if item.segment) == (
        sorted(customer.customer_segments[1:])
    )


def test_assign_then_unassign(api: JourneyApi, provision: Provisioner) -> None:
    own = new_customer(provision, 2)
    both = [
        {"segmentId": segment, "state": "Assigned"} for segment in own.customer_segments
    ]

    assert api.post_journey_externalcontact_segments(own.contact, both) is None
    assigned = api.get_journey_externalcontact_segments(own.contact)
    assert (
        api.post_journey_externalcontact_segments(
            own.contact,
            [{"segmentId": own.customer_segments[1], "state": "Unassigned"}],
        )
        is None
    )
    after = {
        item.segment.id: item
        for item in entities(api.get_journey_externalcontact_segments(own.contact))
        if item.segment
    }
    assert api.post_journey_externalcontact_segments(own.contact, []) is None

    assert sorted(segment_ids(assigned)) == sorted(own.customer_segments)
    assert {item.state for item in entities(assigned)} == {AssignmentState.ASSIGNED}
    kept, dropped = (after[segment] for segment in own.customer_segments)
    assert kept.state is AssignmentState.ASSIGNED
    assert dropped.state is AssignmentState.UNASSIGNED
    assert dropped.date_unassigned is not None
    assert dropped.date_assigned is not None
    assert dropped.date_unassigned >= dropped.date_assigned
    assert dropped.external_contact is not None
    assert dropped.external_contact.id == own.contact
    assert len(after) == 2


def test_unknown_contact_and_session_are_not_found(api: JourneyApi) -> None:
    unknown = str(uuid.uuid4())
    calls = [
        lambda: api.get_journey_externalcontact_segments(unknown),
        lambda: api.get_journey_session_segments(unknown),
        lambda: api.post_journey_externalcontact_segments(unknown, []),
        lambda: list(api.iter_segment_assignments(session_id=unknown)),
    ]

    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            call()
        assert caught.value.status == 404
        assert caught.value.code == "not.found"


def test_the_async_client_does_the_same(
    server: RunningServer, customer: Customer, provision: Provisioner
) -> None:
    own = new_customer(provision, 1)
    [segment] = own.customer_segments

    async def run() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        async with AsyncJourneyApi(
            base_url=server.base_url,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        ) as api:
            first = await api.get_journey_session_segments(
                customer.session, page_size=3
            )
            second = await api.get_journey_session_segments(
                customer.session, page_size=3, after=cursor_of(first)
            )
            by_customer = await api.get_journey_customer_customer_id_segments(
                "email", customer.email, segment_scope="Session"
            )
            walked = [
                item.id or ""
                async for item in api.iter_segment_assignments(
                    external_contact_id=customer.contact, page_size=2
                )
            ]
            await api.post_journey_externalcontact_segments(
                own.contact, [{"segmentId": segment, "state": "Assigned"}]
            )
            await api.post_journey_externalcontact_segments(
                own.contact, [{"segmentId": segment, "state": "Unassigned"}]
            )
            states = [
                str(item.state)
                for item in entities(
                    await api.get_journey_externalcontact_segments(own.contact)
                )
            ]
            with pytest.raises(NotFoundError):
                await api.get_journey_externalcontact_segments(str(uuid.uuid4()))
            return (
                segment_ids(first) + segment_ids(second),
                segment_ids(by_customer),
                walked,
                [item.id or "" for item in entities(first) + entities(second)],
                states,
            )

    paged, by_customer, walked, paged_ids, states = asyncio.run(run())

    assert sorted(paged) == sorted(every_segment(customer))
    assert by_customer == [customer.session_segment]
    assert walked == paged_ids
    assert states == ["Unassigned"]
