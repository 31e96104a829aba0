"""The aggregate query, answered as the contract says the server answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from journeyapi.client import (
    BadRequestError,
    InvalidRequestError,
    JourneyAggregationQuery,
    JourneyDimension,
    JourneyMetric,
    interval,
)
from tests.client.conftest import error_response, fake

QUERY = {
    "interval": "2020-11-01T00:00:00.000Z/2020-11-03T00:00:00.000Z",
    "granularity": "P1D",
    "timeZone": "Europe/London",
    "groupBy": ["journeyActionMediaType"],
    "metrics": ["nWebActionsOffered", "nWebActionsAccepted"],
    "filter": {
        "type": "and",
        "predicates": [{"dimension": "journeyDeviceCategory", "value": "mobile"}],
    },
    "views": [
        {
            "target": "nWebActionsOffered",
            "name": "one",
            "function": "rangeBound",
            "range": {"gte": 1, "lt": 2},
        }
    ],
    "flattenMultivaluedDimensions": False,
}

ANSWER = {
    "results": [
        {
            "group": {"journeyActionMediaType": "webchat"},
            "data": [
                {
                    "interval": "2020-11-01T00:00:00.000Z/2020-11-02T00:00:00.000Z",
                    "metrics": [
                        {"metric": "nWebActionsOffered", "stats": {"count": 7}},
                        {
                            "metric": "nWebActionsFrequencyCapReached",
                            "stats": {"count": 1},
                        },
                    ],
                    "views": [{"name": "one", "stats": {"count": 7}}],
                }
            ],
        }
    ]
}


def test_sends_the_query_and_reads_the_answer() -> None:
    server = fake(lambda request: httpx.Response(200, json=ANSWER))

    with server.client() as api:
        answer = api.post_analytics_journeys_aggregates_query(QUERY)

    sent = server.requests[0]
    assert sent.method == "POST"
    assert sent.url.path == "/api/v2/analytics/journeys/aggregates/query"
    assert server.body() == QUERY
    result = (answer.results or [])[0]
    assert result.group == {"journeyActionMediaType": "webchat"}
    bucket = (result.data or [])[0]
    metrics = bucket.metrics or []
    assert metrics[0].metric is JourneyMetric.N_WEB_ACTIONS_OFFERED
    assert metrics[0].stats is not None and metrics[0].stats.count == 7
    # A metric of a later release stays readable as its name.
    assert metrics[1].metric == "nWebActionsFrequencyCapReached"
    assert (bucket.views or [])[0].name == "one"


def test_a_typed_query_is_sent_with_only_the_fields_set() -> None:
    server = fake(lambda request: httpx.Response(200, json={}))
    query = JourneyAggregationQuery(
        interval=interval(
            datetime(2020, 11, 1, tzinfo=timezone(timedelta(hours=1))),
            datetime(2020, 11, 2, tzinfo=UTC),
        ),
        metrics=[JourneyMetric.N_JOURNEY_SESSIONS],
        group_by=[JourneyDimension.JOURNEY_SESSION_TYPE],
    )

    with server.client() as api:
        answer = api.post_analytics_journeys_aggregates_query(query)

    assert server.body() == {
        "interval": "2020-10-31T23:00:00.000Z/2020-11-02T00:00:00.000Z",
        "metrics": ["nJourneySessions"],
        "groupBy": ["journeySessionType"],
    }
    # Nothing matched: the answer is {} and results is absent.
    assert answer.results is None


def test_an_interval_may_be_given_as_two_datetimes() -> None:
    server = fake(lambda request: httpx.Response(200, json={}))

    with server.client() as api:
        api.post_analytics_journeys_aggregates_query(
            {
                "interval": (
                    datetime(2020, 11, 1, 12, 30, 0, 123456, tzinfo=UTC),
                    datetime(2020, 11, 2, tzinfo=UTC),
                ),
                "metrics": ["nJourneySessions"],
            }
        )

    assert server.body()["interval"] == (
        "2020-11-01T12:30:00.123Z/2020-11-02T00:00:00.000Z"
    )


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"metrics": ["nWebActionsOffered", "nOffered"]}, "metrics[1]", "nOffered"),
        ({"groupBy": ["journeyQueueId"]}, "groupBy[0]", "journeyQueueId"),
        (
            {"alternateTimeDimension": "ingestTime"},
            "alternateTimeDimension",
            "ingestTime",
        ),
        ({"filter": {"type": "xor"}}, "filter.type", "xor"),
        (
            {"filter": {"type": "and", "predicates": [{"dimension": "nope"}]}},
            "filter.predicates[0].dimension",
            "nope",
        ),
        (
            {
                "filter": {
                    "type": "and",
                    "predicates": [
                        {"dimension": "journeyDeviceType", "operator": "equals"}
                    ],
                }
            },
            "filter.predicates[0].operator",
            "equals",
        ),
        (
            {
                "filter": {
                    "type": "or",
                    "clauses": [{"type": "and", "predicates": [{"type": "segment"}]}],
                }
            },
            "filter.clauses[0].predicates[0].type",
            "segment",
        ),
        (
            {
                "views": [
                    {
                        "target": "nJourneySessions",
                        "name": "v",
                        "function": "percentile",
                    }
                ]
            },
            "views[0].function",
            "percentile",
        ),
        (
            {"views": [{"target": "nSessions", "name": "v", "function": "rangeBound"}]},
            "views[0].target",
            "nSessions",
        ),
    ],
)
def test_unknown_enum_values_are_refused_before_sending(
    change: dict[str, Any], field: str, value: str
) -> None:
    server = fake(lambda request: httpx.Response(200, json={}))

    with server.client() as api, pytest.raises(InvalidRequestError) as caught:
        api.post_analytics_journeys_aggregates_query({**QUERY, **change})

    assert caught.value.field == field
    assert caught.value.value == value
    assert server.requests == []


def test_a_naive_interval_end_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as caught:
        interval(datetime(2020, 11, 1, tzinfo=UTC), datetime(2020, 11, 2))

    assert caught.value.field == "interval end"
    assert "timezone-aware" in caught.value.allowed


def test_a_query_the_server_refuses_is_a_bad_request() -> None:
    server = fake(
        lambda request: error_response(
            400, "bad.request", "The interval is longer than 366 days"
        )
    )

    with server.client() as api, pytest.raises(BadRequestError) as caught:
        api.post_analytics_journeys_aggregates_query({"metrics": ["nJourneySessions"]})

    assert caught.value.message == "The interval is longer than 366 days"
    assert len(server.requests) == 1
