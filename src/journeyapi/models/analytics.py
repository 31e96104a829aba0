"""Journey aggregate queries and their answers.

Metric and dimension names are kept open (a name this release does not know
stays a plain string) so that the query engine, not the schema, decides what is
allowed and can name every offending value at once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from journeyapi.models.common import OpenEnum, WireModel


class JourneyMetric(StrEnum):
    N_JOURNEY_OUTCOMES_ACHIEVED = "nJourneyOutcomesAchieved"
    N_JOURNEY_OUTCOMES_ATTRIBUTED = "nJourneyOutcomesAttributed"
    N_JOURNEY_SEGMENTS_ASSIGNED = "nJourneySegmentsAssigned"
    N_JOURNEY_SESSIONS = "nJourneySessions"
    N_WEB_ACTIONS_ABANDONED = "nWebActionsAbandoned"
    N_WEB_ACTIONS_ACCEPTED = "nWebActionsAccepted"
    N_WEB_ACTIONS_ENGAGED = "nWebActionsEngaged"
    N_WEB_ACTIONS_ERRORED = "nWebActionsErrored"
    N_WEB_ACTIONS_IGNORED = "nWebActionsIgnored"
    N_WEB_ACTIONS_OFFERED = "nWebActionsOffered"
    N_WEB_ACTIONS_QUALIFIED = "nWebActionsQualified"
    N_WEB_ACTIONS_QUALIFIED_OUTSIDE_SCHEDULE = "nWebActionsQualifiedOutsideSchedule"
    N_WEB_ACTIONS_REJECTED = "nWebActionsRejected"
    N_WEB_ACTIONS_STARTED = "nWebActionsStarted"
    N_WEB_ACTIONS_TIMEDOUT = "nWebActionsTimedout"


class JourneyDimension(StrEnum):
    JOURNEY_ACTION_ID = "journeyActionId"
    JOURNEY_ACTION_MAP_ID = "journeyActionMapId"
    JOURNEY_ACTION_MAP_VERSION = "journeyActionMapVersion"
    JOURNEY_ACTION_MEDIA_TYPE = "journeyActionMediaType"
    JOURNEY_ACTION_TEMPLATE_ID = "journeyActionTemplateId"
    JOURNEY_CUSTOMER_ID = "journeyCustomerId"
    JOURNEY_CUSTOMER_ID_TYPE = "journeyCustomerIdType"
    JOURNEY_DEVICE_CATEGORY = "journeyDeviceCategory"
    JOURNEY_DEVICE_TYPE = "journeyDeviceType"
    JOURNEY_OUTCOME_ID = "journeyOutcomeId"
    JOURNEY_SEGMENT_ID = "journeySegmentId"
    JOURNEY_SEGMENT_SCOPE = "journeySegmentScope"
    JOURNEY_SESSION_SEGMENT_ID = "journeySessionSegmentId"
    JOURNEY_SESSION_TYPE = "journeySessionType"
    TOUCHPOINT_ACTION_MAP_ID = "touchpointActionMapId"


class FilterType(StrEnum):
    AND = "and"
    OR = "or"


class PredicateType(StrEnum):
    DIMENSION = "dimension"
    PROPERTY = "property"
    METRIC = "metric"


class PredicateOperator(StrEnum):
    MATCHES = "matches"
    EXISTS = "exists"
    NOT_EXISTS = "notExists"


class ViewFunction(StrEnum):
    RANGE_BOUND = "rangeBound"


class AlternateTimeDimension(StrEnum):
    EVENT_TIME = "eventTime"


# A JSON number, integers included. Strict, because lax parsing reads "1" and
# true as 1.0; finite, because Python's json module reads NaN and Infinity, and
# a bound of NaN would quietly match nothing.
FiniteNumber = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class NumericRange(WireModel):
    gt: FiniteNumber | None = None
    gte: FiniteNumber | None = None
    lt: FiniteNumber | None = None
    lte: FiniteNumber | None = None


class AggregationRange(WireModel):
    gte: FiniteNumber | None = None
    lt: FiniteNumber | None = None


class JourneyAggregateQueryPredicate(WireModel):
    type: OpenEnum[PredicateType] | None = None
    dimension: OpenEnum[JourneyDimension] | None = None
    operator: OpenEnum[PredicateOperator] | None = None
    value: str | None = None
    range: NumericRange | None = None


class JourneyAggregateQueryClause(WireModel):
    type: OpenEnum[FilterType] | None = None
    predicates: list[JourneyAggregateQueryPredicate] | None = None
    # Not in the contract (clauses do not nest) and so not in the schema: kept
    # only so that the query engine can refuse it instead of ignoring it.
    clauses: SkipJsonSchema[Any] = None


class JourneyAggregateQueryFilter(WireModel):
    type: OpenEnum[FilterType] | None = None
    clauses: list[JourneyAggregateQueryClause] | None = None
    predicates: list[JourneyAggregateQueryPredicate] | None = None


class JourneyAggregationView(WireModel):
    target: OpenEnum[JourneyMetric] | None = None
    name: str | None = None
    function: OpenEnum[ViewFunction] | None = None
    range: AggregationRange | None = None


class JourneyAggregationQuery(WireModel):
    """The body of the journey aggregate query.

    ``interval`` and ``metrics`` are required by the API; they are optional here
    so that the engine's validation reports their absence as a Genesys 400.
    """

    interval: str | None = None
    granularity: str | None = None
    time_zone: str | None = None
    group_by: list[OpenEnum[JourneyDimension]] | None = None
    filter: JourneyAggregateQueryFilter | None = None
    metrics: list[OpenEnum[JourneyMetric]] | None = None
    flatten_multivalued_dimensions: StrictBool | None = None
    views: list[JourneyAggregationView] | None = None
    alternate_time_dimension: OpenEnum[AlternateTimeDimension] | None = None


class StatisticalSummary(WireModel):
    max: float | None = None
    min: float | None = None
    count: int | None = None
    sum: float | None = None
    current: float | None = None
    ratio: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None


class AggregateMetricData(WireModel):
    metric: OpenEnum[JourneyMetric] | None = None
    qualifier: str | None = None
    stats: StatisticalSummary | None = None


class AggregateViewData(WireModel):
    name: str | None = None
    stats: StatisticalSummary | None = None


class StatisticalResponse(WireModel):
    interval: str | None = None
    metrics: list[AggregateMetricData] | None = None
    views: list[AggregateViewData] | None = None


class JourneyAggregateDataContainer(WireModel):
    group: dict[str, str] | None = None
    data: list[StatisticalResponse] | None = None


class JourneyAggregateQueryResponse(WireModel):
    """``{}`` when nothing matched: ``results`` is then left out."""

    results: list[JourneyAggregateDataContainer] | None = Field(default=None)
