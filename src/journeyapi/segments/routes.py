"""HTTP routes of segments, customers, external contacts, sessions and
assignments: parse, call the service, serialise."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote, urlencode

from fastapi import APIRouter, Body, Query, Request, Response

from journeyapi.auth.permissions import (
    CUSTOMER_ADD,
    CUSTOMER_VIEW,
    EXTERNAL_CONTACT_ADD,
    EXTERNAL_CONTACT_VIEW,
    SEGMENT_ADD,
    SEGMENT_ASSIGNMENT_ADD,
    SEGMENT_ASSIGNMENT_DELETE,
    SEGMENT_ASSIGNMENT_VIEW,
    SEGMENT_DELETE,
    SEGMENT_EDIT,
    SEGMENT_VIEW,
    SESSION_ADD,
    SESSION_VIEW,
)
from journeyapi.errors import InvalidValue
from journeyapi.http.dependencies import Caller, QueryInt, json_content, requires
from journeyapi.http.openapi import error_responses
from journeyapi.http.responses import wire
from journeyapi.models.customers import Customer, EndSession, JourneySession
from journeyapi.models.externalcontacts import ExternalContact
from journeyapi.models.segments import (
    AssignmentState,
    ContactSegmentAssignmentListing,
    PatchSegment,
    Segment,
    SegmentAssignmentListing,
    SegmentAssignmentsUpdate,
    SegmentListing,
    UnprocessedSegmentAssignments,
    UpdateSegmentAssignmentRequest,
    UpdateSegmentAssignmentResponse,
)
from journeyapi.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    PageRequest,
    page_listing,
)
from journeyapi.segments.assignments import AssignmentPage, ListingQuery
from journeyapi.segments.errors import MissingBody
from journeyapi.uris import path_segment

router = APIRouter()

SEGMENTS = "/api/v2/journey/segments"
CONTACTS = "/api/v2/externalcontacts/contacts"
SESSIONS = "/api/v2/journey/sessions"
CUSTOMERS = "/api/v2/journey/customers"
MAX_CONTACT_LIMIT = 500

PageSize = Annotated[
    str | None,
    Query(description="Numeric text, 1 to 200; default 25.", examples=["25"]),
]
After = Annotated[
    str | None, Query(description="The cursor from the previous page's nextUri.")
]
Scope = Annotated[
    str | None,
    Query(description="Only assignments of this scope: Session or Customer."),
]
State = Annotated[
    str | None,
    Query(description="Only assignments in this state: Assigned or Unassigned."),
]
Updates = Annotated[list[SegmentAssignmentsUpdate] | None, Body()]
ASSIGN_OR_UNASSIGN = requires(SEGMENT_ASSIGNMENT_ADD, SEGMENT_ASSIGNMENT_DELETE)


def _segment(value: str) -> str:
    return path_segment(value)


def _listing(
    path: str, request: Request, query: ListingQuery, page: AssignmentPage
) -> Response:
    received = request.url.query
    next_uri = None
    if page.next_cursor is not None:
        params: list[tuple[str, str]] = [("pageSize", str(query.page_size))]
        if query.scope is not None:
            params.append(("segmentScope", query.scope.value))
        if query.state is not None:
            params.append(("assignmentState", query.state.value))
        params.append(("after", page.next_cursor))
        next_uri = f"{path}?{urlencode(params)}"
    return wire(
        SegmentAssignmentListing(
            entities=page.entities,
            self_uri=f"{path}?{received}" if received else path,
            next_uri=next_uri,
        )
    )


# --- segments -------------------------------------------------------------------


@router.get(
    SEGMENTS,
    response_model=SegmentListing,
    tags=["Journey"],
    operation_id="getJourneySegments",
    summary="Retrieve segments, a page at a time, in displayName order.",
    responses=error_responses(400, 401, 403, 429),
)
async def list_segments(
    caller: Annotated[Caller, requires(SEGMENT_VIEW)],
    pageNumber: Annotated[
        QueryInt, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page number, from 1.")
    ] = 1,
    pageSize: Annotated[
        QueryInt, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    ] = DEFAULT_PAGE_SIZE,
) -> Response:
    page = PageRequest(number=pageNumber, size=pageSize)
    entities, total = caller.services.segments.list_page(page)
    return wire(page_listing(SegmentListing, entities, SEGMENTS, page, total))


@router.post(
    SEGMENTS,
    response_model=Segment,
    status_code=201,
    tags=["Journey"],
    operation_id="postJourneySegments",
    summary="Create a segment.",
    description="`displayName` and `scope` are required; `id` is generated.",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 409, 415, 429),
)
async def create_segment(
    caller: Annotated[Caller, requires(SEGMENT_ADD)],
    body: Annotated[Segment | None, Body()] = None,
) -> Response:
    return wire(caller.services.segments.create(body), status_code=201)


@router.get(
    SEGMENTS + "/{segmentId}",
    response_model=Segment,
    tags=["Journey"],
    operation_id="getJourneySegment",
    summary="Retrieve a single segment.",
    responses=error_responses(401, 403, 404, 429),
)
async def get_segment(
    segmentId: str, caller: Annotated[Caller, requires(SEGMENT_VIEW)]
) -> Response:
    return wire(caller.services.segments.get(segmentId))


@router.patch(
    SEGMENTS + "/{segmentId}",
    response_model=Segment,
    tags=["Journey"],
    operation_id="patchJourneySegment",
    summary="Update a segment; only the properties present change.",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 409, 415, 429),
)
async def patch_segment(
    segmentId: str,
    caller: Annotated[Caller, requires(SEGMENT_EDIT)],
    body: Annotated[PatchSegment | None, Body()] = None,
) -> Response:
    return wire(caller.services.segments.patch(segmentId, body))


@router.delete(
    SEGMENTS + "/{segmentId}",
    status_code=204,
    tags=["Journey"],
    operation_id="deleteJourneySegment",
    summary="Delete a segment and its assignments.",
    responses=error_responses(401, 403, 404, 429),
)
async def delete_segment(
    segmentId: str, caller: Annotated[Caller, requires(SEGMENT_DELETE)]
) -> Response:
    caller.services.segments.delete(segmentId)
    return Response(status_code=204)


# --- external contacts -----------------------------------------------------------


@router.post(
    CONTACTS,
    response_model=ExternalContact,
    tags=["External Contacts"],
    operation_id="postExternalcontactsContacts",
    summary="Create an external contact.",
    description=(
        "The contact is the same customer as the email addresses and phone"
        " numbers it carries."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 409, 415, 429),
)
async def create_contact(
    caller: Annotated[Caller, requires(EXTERNAL_CONTACT_ADD)],
    body: Annotated[ExternalContact | None, Body()] = None,
) -> Response:
    return wire(caller.services.external_contacts.create(body))


@router.get(
    CONTACTS + "/{contactId}",
    response_model=ExternalContact,
    tags=["External Contacts"],
    operation_id="getExternalcontactsContact",
    summary="Fetch an external contact.",
    responses=error_responses(401, 403, 404, 429),
)
async def get_contact(
    contactId: str, caller: Annotated[Caller, requires(EXTERNAL_CONTACT_VIEW)]
) -> Response:
    return wire(caller.services.external_contacts.get(contactId))


@router.get(
    CONTACTS + "/{contactId}/journey/segments",
    response_model=ContactSegmentAssignmentListing,
    tags=["External Contacts"],
    operation_id="getExternalcontactsContactJourneySegments",
    summary="Retrieve the segments in force for an external contact.",
    description="`includeMerged` is accepted; journeyapi does not merge contacts.",
    responses=error_responses(400, 401, 403, 404, 429),
)
async def contact_journey_segments(
    contactId: str,
    caller: Annotated[Caller, requires(SEGMENT_ASSIGNMENT_VIEW)],
    includeMerged: Annotated[bool, Query()] = False,
    limit: Annotated[
        QueryInt, Query(ge=1, le=MAX_CONTACT_LIMIT, description="At most this many.")
    ] = 25,
) -> Response:
    entities = caller.services.assignments.current_for_contact(contactId, limit)
    return wire(ContactSegmentAssignmentListing(entities=entities))


@router.post(
    CONTACTS + "/{contactId}/journey/segments",
    response_model=UpdateSegmentAssignmentResponse,
    tags=["External Contacts"],
    operation_id="postExternalcontactsContactJourneySegments",
    summary="Assign and unassign segments of an external contact.",
    description=(
        "The same rules as POST /api/v2/journey/externalcontacts/{id}/segments:"
        " everything is applied or nothing, so `unprocessedItems.count` is 0."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 415, 429),
)
async def update_contact_journey_segments(
    contactId: str,
    caller: Annotated[Caller, ASSIGN_OR_UNASSIGN],
    body: Annotated[UpdateSegmentAssignmentRequest | None, Body()] = None,
) -> Response:
    if body is None:
        raise MissingBody()
    items = [
        SegmentAssignmentsUpdate(segment_id=segment.id, state=state)
        for group, state in (
            (body.assign, AssignmentState.ASSIGNED),
            (body.unassign, AssignmentState.UNASSIGNED),
        )
        for segment in (group.segments or [] if group else [])
    ]
    caller.services.assignments.update_for_contact(contactId, items, caller.principal)
    return wire(
        UpdateSegmentAssignmentResponse(
            unprocessed_items=UnprocessedSegmentAssignments(count=0)
        )
    )


# --- the Journey API of late 2020: assignments by contact, customer, session ----


@router.get(
    "/api/v2/journey/externalcontacts/{externalContactId}/segments",
    response_model=SegmentAssignmentListing,
    tags=["Journey"],
    operation_id="getJourneyExternalcontactSegments",
    summary="Retrieve segment assignments by external contact ID.",
    responses=error_responses(400, 401, 403, 404, 429),
)
async def contact_segments(
    externalContactId: str,
    request: Request,
    caller: Annotated[Caller, requires(SEGMENT_ASSIGNMENT_VIEW)],
    pageSize: PageSize = None,
    after: After = None,
    segmentScope: Scope = None,
    assignmentState: State = None,
) -> Response:
    query = ListingQuery.parse(pageSize, after, segmentScope, assignmentState)
    page = caller.services.assignments.by_contact(externalContactId, query)
    path = f"/api/v2/journey/externalcontacts/{_segment(externalContactId)}/segments"
    return _listing(path, request, query, page)


@router.post(
    "/api/v2/journey/externalcontacts/{externalContactId}/segments",
    status_code=204,
    tags=["Journey"],
    operation_id="postJourneyExternalcontactSegments",
    summary=(
        "Assign/unassign segments to/from an external contact; assigning an"
        " assigned segment moves its expiry forward."
    ),
    description=(
        "Customer-scoped segments only. Each item needs"
        " `journey:segmentassignment:add` (Assigned) or `:delete` (Unassigned)."
        " The whole list is checked, then applied in one transaction."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 415, 429),
)
async def update_contact_segments(
    externalContactId: str,
    caller: Annotated[Caller, ASSIGN_OR_UNASSIGN],
    body: Updates = None,
) -> Response:
    caller.services.assignments.update_for_contact(
        externalContactId, body, caller.principal
    )
    return Response(status_code=204)


# ``customerId`` may hold ``/``: sent raw (as the official SDK does, its quoting
# leaves ``/`` alone) or as ``%2F``, both mean the same id. The id type cannot.
@router.get(
    CUSTOMERS + "/{customerIdType}/{customerId:path}/segments",
    response_model=SegmentAssignmentListing,
    tags=["Journey"],
    operation_id="getJourneyCustomerCustomerIdSegments",
    summary="Retrieve segment assignments by customer ID.",
    responses=error_responses(400, 401, 403, 429),
)
async def customer_segments(
    customerIdType: str,
    customerId: str,
    request: Request,
    caller: Annotated[Caller, requires(SEGMENT_ASSIGNMENT_VIEW)],
    pageSize: PageSize = None,
    after: After = None,
    segmentScope: Scope = None,
    assignmentState: State = None,
) -> Response:
    _refuse_slashed_id_type(request, customerIdType)
    query = ListingQuery.parse(pageSize, after, segmentScope, assignmentState)
    page = caller.services.assignments.by_customer(customerIdType, customerId, query)
    path = f"{CUSTOMERS}/{_segment(customerIdType)}/{_segment(customerId)}/segments"
    return _listing(path, request, query, page)


def _refuse_slashed_id_type(request: Request, id_type: str) -> None:
    """Refuse an id type sent with ``%2F``, which routing read as two segments.

    The path is routed decoded: ``e%2Fmail/x`` arrives as type ``e`` and id
    ``mail/x``, which is not what was asked for.
    """
    raw = (request.scope.get("raw_path") or b"").decode("latin-1").split("?")[0]
    segments = raw.split("/")
    where = CUSTOMERS.count("/") + 1
    sent = unquote(segments[where]) if len(segments) > where else id_type
    if sent != id_type:
        raise InvalidValue("customerIdType", sent, "id types without /")


@router.get(
    SESSIONS + "/{sessionId}/segments",
    response_model=SegmentAssignmentListing,
    tags=["Journey"],
    operation_id="getJourneySessionSegments",
    summary="Retrieve segment assignments by session ID.",
    responses=error_responses(400, 401, 403, 404, 429),
)
async def session_segments(
    sessionId: str,
    request: Request,
    caller: Annotated[Caller, requires(SEGMENT_ASSIGNMENT_VIEW)],
    pageSize: PageSize = None,
    after: After = None,
    segmentScope: Scope = None,
    assignmentState: State = None,
) -> Response:
    query = ListingQuery.parse(pageSize, after, segmentScope, assignmentState)
    page = caller.services.assignments.by_session(sessionId, query)
    return _listing(f"{SESSIONS}/{_segment(sessionId)}/segments", request, query, page)


# --- extensions: customers and sessions ------------------------------------------


@router.post(
    SESSIONS + "/{sessionId}/segments",
    status_code=204,
    tags=["Journey extensions"],
    operation_id="postJourneySessionSegments",
    summary="Assign/unassign session-scoped segments in a session (extension).",
    description="The body and rules of the external-contact route, Session scope.",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 415, 429),
)
async def update_session_segments(
    sessionId: str, caller: Annotated[Caller, ASSIGN_OR_UNASSIGN], body: Updates = None
) -> Response:
    caller.services.assignments.update_for_session(sessionId, body, caller.principal)
    return Response(status_code=204)


@router.post(
    SESSIONS,
    response_model=JourneySession,
    status_code=201,
    tags=["Journey extensions"],
    operation_id="postJourneySessions",
    summary="Create a session of a customer (extension).",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 409, 415, 429),
)
async def create_session(
    caller: Annotated[Caller, requires(SESSION_ADD)],
    body: Annotated[JourneySession | None, Body()] = None,
) -> Response:
    return wire(caller.services.sessions.create(body), status_code=201)


@router.get(
    SESSIONS + "/{sessionId}",
    response_model=JourneySession,
    tags=["Journey extensions"],
    operation_id="getJourneySession",
    summary="Retrieve a session.",
    responses=error_responses(401, 403, 404, 429),
)
async def get_session(
    sessionId: str, caller: Annotated[Caller, requires(SESSION_VIEW)]
) -> Response:
    return wire(caller.services.sessions.get(sessionId))


@router.post(
    SESSIONS + "/{sessionId}/end",
    response_model=JourneySession,
    tags=["Journey extensions"],
    operation_id="postJourneySessionEnd",
    summary="End a session (extension); its session-scoped segments lapse.",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 409, 415, 429),
)
async def end_session(
    sessionId: str,
    caller: Annotated[Caller, requires(SESSION_ADD)],
    body: Annotated[EndSession | None, Body()] = None,
) -> Response:
    return wire(caller.services.sessions.end(sessionId, body))


@router.post(
    CUSTOMERS,
    response_model=Customer,
    status_code=201,
    tags=["Journey extensions"],
    operation_id="postJourneyCustomers",
    summary="Create a customer known by the given identities (extension).",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 409, 415, 429),
)
async def create_customer(
    caller: Annotated[Caller, requires(CUSTOMER_ADD)],
    body: Annotated[Customer | None, Body()] = None,
) -> Response:
    return wire(caller.services.customers.create(body), status_code=201)


@router.get(
    CUSTOMERS + "/{customerId}",
    response_model=Customer,
    tags=["Journey extensions"],
    operation_id="getJourneyCustomer",
    summary="Retrieve a customer and its identities (extension).",
    responses=error_responses(401, 403, 404, 429),
)
async def get_customer(
    customerId: str, caller: Annotated[Caller, requires(CUSTOMER_VIEW)]
) -> Response:
    return wire(caller.services.customers.get(customerId))
