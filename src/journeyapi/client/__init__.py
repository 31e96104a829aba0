"""The Python client of the Journey API, for journeyapi servers and Genesys Cloud.

Needs only pydantic and httpx (the core install)::

    from journeyapi.client import JourneyApi

    api = JourneyApi(
        base_url="http://127.0.0.1:8080", client_id="...", client_secret="..."
    )
    for target in api.iter_action_targets():
        ...
"""

from journeyapi.client.aio import AsyncJourneyApi
from journeyapi.client.bodies import (
    UNSET,
    Unset,
    action_target_patch,
    format_utc,
    interval,
    parse_instant,
)
from journeyapi.client.errors import (
    ApiStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InvalidRequestError,
    JourneyApiError,
    LoginError,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeout,
    ServerError,
    TransportError,
    UnexpectedResponse,
)
from journeyapi.client.regions import REGIONS, Endpoints
from journeyapi.client.retries import NO_RETRIES, RetryPolicy
from journeyapi.client.sync import JourneyApi
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetListing,
    ActionTargetState,
    MediaType,
    PatchActionTarget,
    ServiceLevel,
)
from journeyapi.models.analytics import (
    AggregationRange,
    JourneyAggregateQueryClause,
    JourneyAggregateQueryFilter,
    JourneyAggregateQueryPredicate,
    JourneyAggregateQueryResponse,
    JourneyAggregationQuery,
    JourneyAggregationView,
    JourneyDimension,
    JourneyMetric,
    NumericRange,
)
from journeyapi.models.common import ErrorBody
from journeyapi.models.segments import (
    AssignmentState,
    SegmentAssignment,
    SegmentAssignmentListing,
    SegmentAssignmentsUpdate,
    SegmentScope,
)

__all__ = [
    "NO_RETRIES",
    "REGIONS",
    "UNSET",
    "ActionTarget",
    "ActionTargetListing",
    "ActionTargetState",
    "AggregationRange",
    "ApiStatusError",
    "AssignmentState",
    "AsyncJourneyApi",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "Endpoints",
    "ErrorBody",
    "InvalidRequestError",
    "JourneyAggregateQueryClause",
    "JourneyAggregateQueryFilter",
    "JourneyAggregateQueryPredicate",
    "JourneyAggregateQueryResponse",
    "JourneyAggregationQuery",
    "JourneyAggregationView",
    "JourneyApi",
    "JourneyApiError",
    "JourneyDimension",
    "JourneyMetric",
    "LoginError",
    "MediaType",
    "NotFoundError",
    "NumericRange",
    "PagingError",
    "PatchActionTarget",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "RetryPolicy",
    "SegmentAssignment",
    "SegmentAssignmentListing",
    "SegmentAssignmentsUpdate",
    "SegmentScope",
    "ServerError",
    "ServiceLevel",
    "TransportError",
    "UnexpectedResponse",
    "Unset",
    "action_target_patch",
    "format_utc",
    "interval",
    "parse_instant",
]
