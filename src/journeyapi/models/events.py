"""Journey events: the contract of what happens in a customer journey.

An event is one JSON object with a unique ``id``, an ``eventType``, an
``eventTime`` with an offset, the ``sessionId`` it belongs to, and the values of
the aggregate dimensions that apply to it, keyed by the dimension names exactly.
Scripts and other tools write this form; the event store keeps it.
"""

from __future__ import annotations

from enum import StrEnum

from journeyapi.models.common import UtcDateTime, WireModel


class EventType(StrEnum):
    SESSION_STARTED = "sessionStarted"
    WEB_ACTION_QUALIFIED = "webActionQualified"
    WEB_ACTION_QUALIFIED_OUTSIDE_SCHEDULE = "webActionQualifiedOutsideSchedule"
    WEB_ACTION_OFFERED = "webActionOffered"
    WEB_ACTION_STARTED = "webActionStarted"
    WEB_ACTION_ENGAGED = "webActionEngaged"
    WEB_ACTION_ACCEPTED = "webActionAccepted"
    WEB_ACTION_REJECTED = "webActionRejected"
    WEB_ACTION_IGNORED = "webActionIgnored"
    WEB_ACTION_TIMEDOUT = "webActionTimedout"
    WEB_ACTION_ABANDONED = "webActionAbandoned"
    WEB_ACTION_ERRORED = "webActionErrored"
    OUTCOME_ACHIEVED = "outcomeAchieved"
    OUTCOME_ATTRIBUTED = "outcomeAttributed"
    SEGMENT_ASSIGNED = "segmentAssigned"
    SEGMENT_UNASSIGNED = "segmentUnassigned"


class JourneyEvent(WireModel):
    id: str
    event_type: EventType
    event_time: UtcDateTime
    session_id: str | None = None
    journey_action_id: str | None = None
    journey_action_map_id: str | None = None
    journey_action_map_version: str | None = None
    journey_action_media_type: str | None = None
    journey_action_template_id: str | None = None
    journey_customer_id: str | None = None
    journey_customer_id_type: str | None = None
    journey_device_category: str | None = None
    journey_device_type: str | None = None
    journey_outcome_id: str | None = None
    journey_segment_id: str | None = None
    journey_segment_scope: str | None = None
    journey_session_segment_id: list[str] | None = None
    journey_session_type: str | None = None
    touchpoint_action_map_id: str | None = None
