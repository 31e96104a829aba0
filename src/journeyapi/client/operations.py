"""The eight operations as plain descriptions of an HTTP exchange.

Both clients, sync and async, send these and read the answers the same way;
only the sending differs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from journeyapi.client import bodies
from journeyapi.client.errors import (
    CORRELATION_HEADER,
    InvalidRequestError,
    UnexpectedResponse,
)
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetListing,
    PatchActionTarget,
)
from journeyapi.models.analytics import (
    JourneyAggregateQueryResponse,
    JourneyAggregationQuery,
)
from journeyapi.models.segments import (
    AssignmentState,
    SegmentAssignmentListing,
    SegmentAssignmentsUpdate,
    SegmentScope,
)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

ACTION_TARGETS = "/api/v2/journey/actiontargets"
JOURNEY = "/api/v2/journey"
AGGREGATES = "/api/v2/analytics/journeys/aggregates/query"

# Methods whose repetition cannot do more than the first attempt did.
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})

_NO_BODY: Any = object()


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request of an operation, and how to read its successful answer."""

    method: str
    path: str
    read: Callable[[httpx.Response], T]
    params: Mapping[str, str] = field(default_factory=dict)
    body: Any = _NO_BODY

    @property
    def idempotent(self) -> bool:
        return self.method in _IDEMPOTENT

    def content(self) -> bytes | None:
        """The JSON text of the body, exactly as built (``{}``, ``[]``, ``0``...)."""
        if self.body is _NO_BODY:
            return None
        return json.dumps(self.body, separators=(",", ":")).encode()


def _model(kind: type[M]) -> Callable[[httpx.Response], M]:
    def read(response: httpx.Response) -> M:
        try:
            return kind.model_validate_json(response.content)
        except ValidationError as exc:
            raise UnexpectedResponse(
                f"HTTP {response.status_code} answer is not a {kind.__name__}:"
                f" {exc.errors()[0]['msg']}; body {response.text[:200]!r}",
                status=response.status_code,
                correlation_id=response.headers.get(CORRELATION_HEADER),
            ) from exc

    return read


def _nothing(response: httpx.Response) -> None:
    """204 No Content (or any success): the operation answers with no body."""
    return None


def get_action_target(action_target_id: str) -> Call[ActionTarget]:
    target = bodies.path_id("actionTargetId", action_target_id)
    return Call("GET", f"{ACTION_TARGETS}/{target}", _model(ActionTarget))


def get_action_targets(page_number: int, page_size: int) -> Call[ActionTargetListing]:
    for name, value in (("pageNumber", page_number), ("pageSize", page_size)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidRequestError(name, value, "a whole number")
    return Call(
        "GET",
        ACTION_TARGETS,
        _model(ActionTargetListing),
        params={"pageNumber": str(page_number), "pageSize": str(page_size)},
    )


def patch_action_target(
    action_target_id: str, body: PatchActionTarget | Mapping[str, Any]
) -> Call[ActionTarget]:
    target = bodies.path_id("actionTargetId", action_target_id)
    return Call(
        "PATCH",
        f"{ACTION_TARGETS}/{target}",
        _model(ActionTarget),
        body=bodies.patch_body(body),
    )


def _listing_params(
    page_size: int | str | None,
    after: str | None,
    segment_scope: str | SegmentScope | None,
    assignment_state: str | AssignmentState | None,
) -> dict[str, str]:
    params: dict[str, str] = {}
    size = bodies.page_size_text(page_size)
    if size is not None:
        params["pageSize"] = size
    if after is not None:
        if not isinstance(after, str) or not after:
            raise InvalidRequestError("after", after, "a cursor from nextUri")
        params["after"] = after
    if segment_scope is not None:
        params["segmentScope"] = bodies.enum_value(
            "segmentScope", segment_scope, SegmentScope
        )
    if assignment_state is not None:
        params["assignmentState"] = bodies.enum_value(
            "assignmentState", assignment_state, AssignmentState
        )
    return params


def get_customer_segments(
    customer_id_type: str,
    customer_id: str,
    page_size: int | str | None,
    after: str | None,
    segment_scope: str | SegmentScope | None,
    assignment_state: str | AssignmentState | None,
) -> Call[SegmentAssignmentListing]:
    kind = bodies.path_id("customerIdType", customer_id_type)
    customer = bodies.path_id("customerId", customer_id)
    return Call(
        "GET",
        f"{JOURNEY}/customers/{kind}/{customer}/segments",
        _model(SegmentAssignmentListing),
        params=_listing_params(page_size, after, segment_scope, assignment_state),
    )


def get_external_contact_segments(
    external_contact_id: str,
    page_size: int | str | None,
    after: str | None,
    segment_scope: str | SegmentScope | None,
    assignment_state: str | AssignmentState | None,
) -> Call[SegmentAssignmentListing]:
    contact = bodies.path_id("externalContactId", external_contact_id)
    return Call(
        "GET",
        f"{JOURNEY}/externalcontacts/{contact}/segments",
        _model(SegmentAssignmentListing),
        params=_listing_params(page_size, after, segment_scope, assignment_state),
    )


def get_session_segments(
    session_id: str,
    page_size: int | str | None,
    after: str | None,
    segment_scope: str | SegmentScope | None,
    assignment_state: str | AssignmentState | None,
) -> Call[SegmentAssignmentListing]:
    session = bodies.path_id("sessionId", session_id)
    return Call(
        "GET",
        f"{JOURNEY}/sessions/{session}/segments",
        _model(SegmentAssignmentListing),
        params=_listing_params(page_size, after, segment_scope, assignment_state),
    )


def post_external_contact_segments(
    external_contact_id: str,
    body: Sequence[SegmentAssignmentsUpdate | Mapping[str, Any]],
) -> Call[None]:
    contact = bodies.path_id("externalContactId", external_contact_id)
    return Call(
        "POST",
        f"{JOURNEY}/externalcontacts/{contact}/segments",
        _nothing,
        body=bodies.segment_updates(body),
    )


def post_aggregates_query(
    body: JourneyAggregationQuery | Mapping[str, Any],
) -> Call[JourneyAggregateQueryResponse]:
    return Call(
        "POST",
        AGGREGATES,
        _model(JourneyAggregateQueryResponse),
        body=bodies.aggregate_query(body),
    )


def segment_listing(
    *,
    customer_id_type: str | None,
    customer_id: str | None,
    external_contact_id: str | None,
    session_id: str | None,
    page_size: int | str | None,
    segment_scope: str | SegmentScope | None,
    assignment_state: str | AssignmentState | None,
) -> Callable[[str | None], Call[SegmentAssignmentListing]]:
    """The listing call for one page after a cursor, for exactly one owner:
    a customer (type and id), an external contact or a session."""
    owners = [
        customer_id_type is not None or customer_id is not None,
        external_contact_id is not None,
        session_id is not None,
    ]
    if owners.count(True) != 1 or (
        owners[0] and (customer_id_type is None or customer_id is None)
    ):
        raise InvalidRequestError(
            "owner",
            {
                "customer_id_type": customer_id_type,
                "customer_id": customer_id,
                "external_contact_id": external_contact_id,
                "session_id": session_id,
            },
            "exactly one of: customer_id_type with customer_id,"
            " external_contact_id, session_id",
        )

    # Built once so that a bad argument fails before the first request.
    _listing_params(page_size, None, segment_scope, assignment_state)

    def page(after: str | None) -> Call[SegmentAssignmentListing]:
        if external_contact_id is not None:
            return get_external_contact_segments(
                external_contact_id, page_size, after, segment_scope, assignment_state
            )
        if session_id is not None:
            return get_session_segments(
                session_id, page_size, after, segment_scope, assignment_state
            )
        assert customer_id_type is not None and customer_id is not None
        return get_customer_segments(
            customer_id_type,
            customer_id,
            page_size,
            after,
            segment_scope,
            assignment_state,
        )

    return page
