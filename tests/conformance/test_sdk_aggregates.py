"""The official SDK's aggregate query against the demo journey data."""

from __future__ import annotations

from typing import Any

import PureCloudPlatformClientV2 as genesys
import pytest

from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from journeyapi.demo.journeys import journey_events
from tests.analytics import reference
from tests.conformance.conftest import RunningServer

pytestmark = pytest.mark.conformance


def analytics_api(server: RunningServer) -> genesys.AnalyticsApi:
    genesys.configuration.host = server.base_url
    api_client = genesys.api_client.ApiClient().get_client_credentials_token(
        DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
    )
    return genesys.AnalyticsApi(api_client)


def test_weekly_funnel_by_device_from_the_demo_data(server: RunningServer) -> None:
    query: dict[str, Any] = {
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
    body = genesys.JourneyAggregationQuery()
    body.interval = query["interval"]
    body.granularity = query["granularity"]
    body.time_zone = query["timeZone"]
    body.group_by = query["groupBy"]
    body.metrics = query["metrics"]
    predicate = genesys.JourneyAggregateQueryPredicate()
    predicate.dimension = "journeySessionType"
    predicate.value = "web"
    body.filter = genesys.JourneyAggregateQueryFilter()
    body.filter.type = "and"
    body.filter.predicates = [predicate]

    answer = analytics_api(server).post_analytics_journeys_aggregates_query(body)

    assert isinstance(answer, genesys.JourneyAggregateQueryResponse)
    got = [
        (
            result.group,
            [
                (bucket.interval, [(m.metric, m.stats.count) for m in bucket.metrics])
                for bucket in result.data
            ],
        )
        for result in answer.results
    ]
    expected = [
        (
            result["group"],
            [
                (
                    bucket["interval"],
                    [(m["metric"], m["stats"]["count"]) for m in bucket["metrics"]],
                )
                for bucket in result["data"]
            ],
        )
        for result in reference.evaluate(query, list(journey_events()))["results"]
    ]
    assert got == expected
    assert [group for group, _ in got] == [
        {"journeyDeviceCategory": "desktop"},
        {"journeyDeviceCategory": "mobile"},
        {"journeyDeviceCategory": "tablet"},
    ]
    assert len(got[0][1]) == 4
    assert got[0][1][0][1][0][1] > 100


def test_nothing_matched_parses_as_an_empty_response(server: RunningServer) -> None:
    body = genesys.JourneyAggregationQuery()
    body.interval = "2019-01-01T00:00:00Z/2019-01-02T00:00:00Z"
    body.metrics = ["nJourneySessions"]
    answer = analytics_api(server).post_analytics_journeys_aggregates_query(body)
    assert isinstance(answer, genesys.JourneyAggregateQueryResponse)
    assert answer.results is None
