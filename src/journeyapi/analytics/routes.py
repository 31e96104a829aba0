"""HTTP routes of journey analytics: the aggregate query and event ingestion."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response

from journeyapi.auth.permissions import JOURNEY_AGGREGATE_VIEW, JOURNEY_EVENT_ADD
from journeyapi.http.dependencies import Caller, json_content, requires
from journeyapi.http.openapi import error_responses
from journeyapi.http.responses import JSON, wire
from journeyapi.models.analytics import (
    JourneyAggregateQueryResponse,
    JourneyAggregationQuery,
)
from journeyapi.models.ingestion import (
    JourneyEventIngestResponse,
    JourneyEventRejection,
)

router = APIRouter(tags=["Journey"])


@router.post(
    "/api/v2/analytics/journeys/aggregates/query",
    response_model=JourneyAggregateQueryResponse,
    operation_id="postAnalyticsJourneysAggregatesQuery",
    summary="Query for journey aggregates.",
    description=(
        "Counts journey events per group and time bucket. The answer is `{}`"
        " when nothing matched."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 415, 429),
)
async def query_journey_aggregates(
    caller: Annotated[Caller, requires(JOURNEY_AGGREGATE_VIEW)],
    body: Annotated[JourneyAggregationQuery | None, Body()] = None,
) -> Response:
    answer = await caller.services.analytics.aggregate(body)
    return Response(answer.to_json(), media_type=JSON)


@router.post(
    "/api/v2/journey/events",
    response_model=JourneyEventIngestResponse,
    operation_id="postJourneyEvents",
    summary="Add journey events (journeyapi extension).",
    description=(
        'The body is `{"events": [...]}`. Each event is checked on its own: the'
        " valid ones are kept, an event whose id is already stored is counted as"
        " a duplicate, and each refused one is listed with its index and reason."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 415, 429),
)
async def add_journey_events(
    caller: Annotated[Caller, requires(JOURNEY_EVENT_ADD)],
    body: Annotated[Any, Body()] = None,
) -> Response:
    result = caller.services.analytics.add_events(body)
    return wire(
        JourneyEventIngestResponse(
            accepted=result.accepted,
            duplicates=result.duplicates,
            rejected=[
                JourneyEventRejection(index=item.source, reason=item.reason)
                for item in result.rejected
            ],
        )
    )
