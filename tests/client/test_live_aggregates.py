"""The aggregate query through the client, checked against an independent count
of the demo journey events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from journeyapi.client import (
    AsyncJourneyApi,
    JourneyAggregateQueryResponse,
    JourneyApi,
    JourneyMetric,
    interval,
)
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from journeyapi.demo.journeys import journey_events
from tests.analytics import reference
from tests.client.conftest import RunningServer

pytestmark = pytest.mark.conformance

FUNNEL: dict[str, Any] = {
    "interval": "2020-11-02T00:00:00.000Z/2020-11-30T00:00:00.000Z",
    "granularity": "P1W",
    "timeZone": "Europe/London",
    "groupBy": ["journeyDeviceCategory"],
    "metrics": ["nJourneySessions", "nWebActionsOffered", "nWebActionsEngaged"],
    "filter": {
        "type": "and",
        "predicates": [{"dimension": "journeySessionType", "value": "web"}],
    },
}

SEGMENTS: dict[str, Any] = {
    "interval": "2020-11-02T00:00:00.000Z/2020-11-30T00:00:00.000Z",
    "groupBy": ["journeySegmentScope"],
    "metrics": ["nJourneySegmentsAssigned", "nJourneyOutcomesAchieved"],
    "views": [
        {
            "target": "nJourneySegmentsAssigned",
            "name": "assignedOnce",
            "function": "rangeBound",
            "range": {"gte": 1, "lt": 2},
        }
    ],
}

OUTCOMES_BY_DAY: dict[str, Any] = {
    "interval": "2020-11-09T00:00:00+01:00/2020-11-12T00:00:00+01:00",
    "granularity": "P1D",
    "timeZone": "Europe/Paris",
    "metrics": ["nJourneyOutcomesAttributed", "nWebActionsAccepted"],
    "filter": {
        "type": "or",
        "clauses": [
            {
                "type": "and",
                "predicates": [
                    {"dimension": "journeyDeviceCategory", "value": "mobile"},
                    {"dimension": "journeyActionMediaType", "operator": "exists"},
                ],
            }
        ],
        "predicates": [{"dimension": "journeyDeviceCategory", "value": "tablet"}],
    },
}


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    return list(journey_events())


@pytest.mark.parametrize("query", [FUNNEL, SEGMENTS, OUTCOMES_BY_DAY])
def test_the_answer_is_the_independent_count(
    api: JourneyApi, events: list[dict[str, Any]], query: dict[str, Any]
) -> None:
    answer = api.post_analytics_journeys_aggregates_query(query)

    assert isinstance(answer, JourneyAggregateQueryResponse)
    expected = reference.evaluate(query, events)
    assert answer.to_wire() == expected
    assert answer.results  # the demo data has something for each of these


def test_the_answer_is_typed(api: JourneyApi, events: list[dict[str, Any]]) -> None:
    answer = api.post_analytics_journeys_aggregates_query(FUNNEL)

    desktop = (answer.results or [])[0]
    first_week = (desktop.data or [])[0]
    sessions = (first_week.metrics or [])[0]
    assert desktop.group == {"journeyDeviceCategory": "desktop"}
    assert first_week.interval == ("2020-11-02T00:00:00.000Z/2020-11-09T00:00:00.000Z")
    assert sessions.metric is JourneyMetric.N_JOURNEY_SESSIONS
    assert sessions.stats is not None
    expected = reference.evaluate(FUNNEL, events)["results"][0]["data"][0]
    assert sessions.stats.count == expected["metrics"][0]["stats"]["count"]
    assert sessions.stats.sum is None


def test_a_query_of_datetimes_is_sent_as_utc(
    api: JourneyApi, events: list[dict[str, Any]]
) -> None:
    query = {
        "interval": interval(
            datetime(2020, 11, 2, tzinfo=UTC), datetime(2020, 11, 9, tzinfo=UTC)
        ),
        "metrics": ["nJourneySessions"],
    }

    answer = api.post_analytics_journeys_aggregates_query(query)

    as_text = {**query, "interval": "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"}
    assert answer.to_wire() == reference.evaluate(as_text, events)


def test_nothing_matched_is_no_results(api: JourneyApi) -> None:
    answer = api.post_analytics_journeys_aggregates_query(
        {
            "interval": "2019-01-01T00:00:00Z/2019-01-02T00:00:00Z",
            "metrics": ["nJourneySessions"],
        }
    )

    assert answer.results is None
    assert answer.to_wire() == {}


def test_the_async_client_gives_the_same_answers(
    server: RunningServer, events: list[dict[str, Any]]
) -> None:
    async def run() -> list[dict[str, Any]]:
        async with AsyncJourneyApi(
            base_url=server.base_url,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        ) as api:
            answers = await asyncio.gather(
                *(
                    api.post_analytics_journeys_aggregates_query(query)
                    for query in (FUNNEL, SEGMENTS, OUTCOMES_BY_DAY)
                )
            )
            return [answer.to_wire() for answer in answers]

    assert asyncio.run(run()) == [
        reference.evaluate(query, events)
        for query in (FUNNEL, SEGMENTS, OUTCOMES_BY_DAY)
    ]
