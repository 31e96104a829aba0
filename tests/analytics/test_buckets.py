"""Bucket edges: DST-correct days, weeks and months; absolute hours; 400s."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.analytics.query import validate
from journeyapi.models.analytics import JourneyAggregationQuery
from journeyapi.models.common import format_instant


def buckets(**query: Any) -> list[str]:
    body = JourneyAggregationQuery.model_validate(
        {"metrics": ["nJourneySessions"], **query}
    )
    edges = validate(body).edges
    return [
        f"{format_instant(a)}/{format_instant(b)}"
        for a, b in zip(edges, edges[1:], strict=False)
    ]


def test_a_day_of_23_hours_and_one_of_25_in_new_york() -> None:
    spring = buckets(
        interval="2020-03-08T05:00:00Z/2020-03-10T04:00:00Z",
        granularity="P1D",
        timeZone="America/New_York",
    )
    assert spring == [
        "2020-03-08T05:00:00.000Z/2020-03-09T04:00:00.000Z",
        "2020-03-09T04:00:00.000Z/2020-03-10T04:00:00.000Z",
    ]
    autumn = buckets(
        interval="2020-11-01T04:00:00Z/2020-11-02T05:00:00Z",
        granularity="P1D",
        timeZone="America/New_York",
    )
    assert autumn == ["2020-11-01T04:00:00.000Z/2020-11-02T05:00:00.000Z"]


def test_hours_step_in_absolute_time_across_fall_back() -> None:
    found = buckets(
        interval="2020-11-01T04:00:00Z/2020-11-01T08:00:00Z",
        granularity="PT1H",
        timeZone="America/New_York",
    )
    assert len(found) == 4
    assert found[1] == "2020-11-01T05:00:00.000Z/2020-11-01T06:00:00.000Z"
    assert found[2] == "2020-11-01T06:00:00.000Z/2020-11-01T07:00:00.000Z"


def test_a_week_across_the_london_change_lasts_169_hours() -> None:
    assert buckets(
        interval="2020-10-19T23:00:00Z/2020-10-27T00:00:00Z",
        granularity="P1W",
        timeZone="Europe/London",
    ) == ["2020-10-19T23:00:00.000Z/2020-10-27T00:00:00.000Z"]


def test_months_follow_the_calendar_and_the_dst_change() -> None:
    assert buckets(
        interval="2020-09-30T23:00:00Z/2021-03-01T00:00:00Z",
        granularity="P1M",
        timeZone="Europe/London",
    ) == [
        "2020-09-30T23:00:00.000Z/2020-11-01T00:00:00.000Z",
        "2020-11-01T00:00:00.000Z/2020-12-01T00:00:00.000Z",
        "2020-12-01T00:00:00.000Z/2021-01-01T00:00:00.000Z",
        "2021-01-01T00:00:00.000Z/2021-02-01T00:00:00.000Z",
        "2021-02-01T00:00:00.000Z/2021-03-01T00:00:00.000Z",
    ]


def test_february_of_a_leap_year_has_29_days() -> None:
    assert buckets(
        interval="2020-02-01T00:00:00Z/2020-03-01T00:00:00Z", granularity="P1M"
    ) == ["2020-02-01T00:00:00.000Z/2020-03-01T00:00:00.000Z"]


def test_no_granularity_is_one_bucket_in_utc_from_the_given_offsets() -> None:
    assert buckets(
        interval="2020-11-01T00:00:00-05:00/2020-11-02T00:00:00.5+01:00"
    ) == ["2020-11-01T05:00:00.000Z/2020-11-01T23:00:00.500Z"]


@pytest.mark.parametrize(
    ("query", "code", "params"),
    [
        (
            {
                "interval": "2020-11-01T00:00:00Z/2020-11-02T00:00:00Z",
                "granularity": "P1D",
                "timeZone": "America/New_York",
            },
            "bad.request",
            {
                "field": "granularity",
                "value": "P1D",
                "interval": "2020-11-01T00:00:00Z/2020-11-02T00:00:00Z",
                "timeZone": "America/New_York",
            },
        ),
        (
            {
                "interval": "2020-11-01T00:00:00Z/2020-11-02T00:00:00Z",
                "granularity": "PT30S",
            },
            "bad.request",
            {"field": "granularity", "value": "PT30S"},
        ),
        (
            {
                "interval": "2020-11-01T00:00:00Z/2020-11-02T00:00:00Z",
                "granularity": "PT1.5H",
            },
            "bad.request",
            {"field": "granularity", "value": "PT1.5H"},
        ),
        (
            {
                "interval": "2020-01-01T00:00:00Z/2020-12-01T00:00:00Z",
                "granularity": "PT1M",
            },
            "bad.request",
            {"field": "granularity", "value": "PT1M", "limit": "10000"},
        ),
    ],
)
def test_granularity_refusals(
    client: TestClient,
    token_for: Any,
    query: dict[str, Any],
    code: str,
    params: dict[str, str],
) -> None:
    response = client.post(
        "/api/v2/analytics/journeys/aggregates/query",
        json={"metrics": ["nJourneySessions"], **query},
        headers=token_for("analytics:journeyAggregate:view"),
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["messageParams"] == params
