"""What the aggregate engine knows: metrics, dimensions, and the event types.

Each metric counts the journey events of one type. Each dimension is one column
of the event store; ``journeySessionSegmentId`` is the one multi-valued one.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyapi.models.analytics import JourneyDimension, JourneyMetric
from journeyapi.models.events import EventType

METRIC_EVENT_TYPES: dict[str, str] = {
    JourneyMetric.N_JOURNEY_SESSIONS: EventType.SESSION_STARTED,
    JourneyMetric.N_JOURNEY_SEGMENTS_ASSIGNED: EventType.SEGMENT_ASSIGNED,
    JourneyMetric.N_JOURNEY_OUTCOMES_ACHIEVED: EventType.OUTCOME_ACHIEVED,
    JourneyMetric.N_JOURNEY_OUTCOMES_ATTRIBUTED: EventType.OUTCOME_ATTRIBUTED,
    JourneyMetric.N_WEB_ACTIONS_QUALIFIED: EventType.WEB_ACTION_QUALIFIED,
    JourneyMetric.N_WEB_ACTIONS_QUALIFIED_OUTSIDE_SCHEDULE: (
        EventType.WEB_ACTION_QUALIFIED_OUTSIDE_SCHEDULE
    ),
    JourneyMetric.N_WEB_ACTIONS_OFFERED: EventType.WEB_ACTION_OFFERED,
    JourneyMetric.N_WEB_ACTIONS_ACCEPTED: EventType.WEB_ACTION_ACCEPTED,
    JourneyMetric.N_WEB_ACTIONS_REJECTED: EventType.WEB_ACTION_REJECTED,
    JourneyMetric.N_WEB_ACTIONS_IGNORED: EventType.WEB_ACTION_IGNORED,
    JourneyMetric.N_WEB_ACTIONS_TIMEDOUT: EventType.WEB_ACTION_TIMEDOUT,
    JourneyMetric.N_WEB_ACTIONS_ERRORED: EventType.WEB_ACTION_ERRORED,
    JourneyMetric.N_WEB_ACTIONS_STARTED: EventType.WEB_ACTION_STARTED,
    JourneyMetric.N_WEB_ACTIONS_ENGAGED: EventType.WEB_ACTION_ENGAGED,
    JourneyMetric.N_WEB_ACTIONS_ABANDONED: EventType.WEB_ACTION_ABANDONED,
}

METRICS: tuple[str, ...] = tuple(sorted(metric.value for metric in JourneyMetric))


@dataclass(frozen=True)
class Dimension:
    name: str
    column: str
    multivalued: bool = False


def _column_of(name: str) -> str:
    return "".join("_" + char.lower() if char.isupper() else char for char in name)


DIMENSIONS: dict[str, Dimension] = {
    dimension.value: Dimension(
        dimension.value,
        _column_of(dimension.value),
        multivalued=dimension is JourneyDimension.JOURNEY_SESSION_SEGMENT_ID,
    )
    for dimension in sorted(JourneyDimension, key=lambda member: member.value)
}

EVENT_TYPES: frozenset[str] = frozenset(event_type.value for event_type in EventType)

# The event store's columns, in table order: the dimensions follow the fixed ones.
SCALAR_DIMENSIONS: tuple[Dimension, ...] = tuple(
    dimension for dimension in DIMENSIONS.values() if not dimension.multivalued
)
SESSION_SEGMENTS = DIMENSIONS[JourneyDimension.JOURNEY_SESSION_SEGMENT_ID]
