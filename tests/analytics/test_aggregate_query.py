"""The aggregate query route: every validation rule, the shape of answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.analytics.catalogue import DIMENSIONS, METRICS
from journeyapi.auth.permissions import JOURNEY_AGGREGATE_VIEW, JOURNEY_EVENT_ADD
from journeyapi.services import Services

PATH = "/api/v2/analytics/journeys/aggregates/query"
WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"
ALL_METRICS = ", ".join(METRICS)
ALL_DIMENSIONS = ", ".join(DIMENSIONS)


def ask(client: TestClient, token_for: Any, body: Any) -> Any:
    return client.post(PATH, json=body, headers=token_for(JOURNEY_AGGREGATE_VIEW))


def base(**changes: Any) -> dict[str, Any]:
    return {"interval": WEEK, "metrics": ["nJourneySessions"], **changes}


def predicate(**fields: Any) -> dict[str, Any]:
    return base(filter={"type": "and", "predicates": [fields]})


CASES: list[tuple[str, Any, str, dict[str, str]]] = [
    ("no body", None, "bad.request", {"field": "body"}),
    (
        "no interval",
        {"metrics": ["nJourneySessions"]},
        "bad.request",
        {"field": "interval"},
    ),
    (
        "interval without a slash",
        base(interval="2020-11-02T00:00:00Z"),
        "invalid.date",
        {"field": "interval", "value": "2020-11-02T00:00:00Z"},
    ),
    (
        "naive interval",
        base(interval="2020-11-02T00:00:00/2020-11-03T00:00:00Z"),
        "invalid.date",
        {"field": "interval", "value": "2020-11-02T00:00:00/2020-11-03T00:00:00Z"},
    ),
    (
        "end before start",
        base(interval="2020-11-03T00:00:00Z/2020-11-02T00:00:00Z"),
        "bad.request",
        {"field": "interval", "value": "2020-11-03T00:00:00Z/2020-11-02T00:00:00Z"},
    ),
    (
        "longer than 366 days",
        base(interval="2020-01-01T00:00:00Z/2021-01-02T00:00:01Z"),
        "bad.request",
        {
            "field": "interval",
            "value": "2020-01-01T00:00:00Z/2021-01-02T00:00:01Z",
            "limit": "366",
        },
    ),
    ("no metrics", base(metrics=None), "bad.request", {"field": "metrics"}),
    ("empty metrics", base(metrics=[]), "bad.request", {"field": "metrics"}),
    (
        "unknown metrics, each named",
        base(metrics=["nFoo", "nJourneySessions", "nBar"]),
        "invalid.value",
        {"field": "metrics", "value": "nFoo, nBar", "allowed": ALL_METRICS},
    ),
    (
        "a metric twice",
        base(metrics=["nJourneySessions", "nJourneySessions"]),
        "bad.request",
        {"field": "metrics", "value": "nJourneySessions"},
    ),
    (
        "unknown groupBy",
        base(groupBy=["journeyDeviceCategory", "journeyColour"]),
        "invalid.value",
        {"field": "groupBy", "value": "journeyColour", "allowed": ALL_DIMENSIONS},
    ),
    (
        "unknown time zone",
        base(timeZone="Mars/Olympus"),
        "invalid.value",
        {
            "field": "timeZone",
            "value": "Mars/Olympus",
            "allowed": "an IANA time zone name such as UTC or Europe/London",
        },
    ),
    (
        "unknown alternateTimeDimension",
        base(alternateTimeDimension="ingestTime"),
        "invalid.value",
        {
            "field": "alternateTimeDimension",
            "value": "ingestTime",
            "allowed": "eventTime",
        },
    ),
    (
        "filter without type",
        base(
            filter={
                "predicates": [{"dimension": "journeyDeviceCategory", "value": "x"}]
            }
        ),
        "bad.request",
        {"field": "filter.type"},
    ),
    (
        "filter type not and/or",
        base(filter={"type": "xor", "predicates": []}),
        "invalid.value",
        {"field": "filter.type", "value": "xor", "allowed": "and, or"},
    ),
    (
        "filter with nothing in it",
        base(filter={"type": "and"}),
        "bad.request",
        {"field": "filter", "reason": "it has neither predicates nor clauses."},
    ),
    (
        "empty clause",
        base(filter={"type": "and", "clauses": [{"type": "or", "predicates": []}]}),
        "bad.request",
        {
            "field": "filter.clauses[0]",
            "reason": "a clause needs at least one predicate.",
        },
    ),
    (
        "clause without predicates",
        base(filter={"type": "and", "clauses": [{"type": "or"}]}),
        "bad.request",
        {"field": "filter.clauses[0].predicates"},
    ),
    (
        "exists with a value",
        predicate(dimension="journeyDeviceCategory", operator="exists", value="x"),
        "bad.request",
        {
            "field": "filter.predicates[0]",
            "reason": "the operator exists takes no value or range.",
        },
    ),
    (
        "matches with neither value nor range",
        predicate(dimension="journeyDeviceCategory"),
        "bad.request",
        {
            "field": "filter.predicates[0]",
            "reason": "the operator matches needs either a value or a range.",
        },
    ),
    (
        "unknown predicate dimension",
        predicate(dimension="journeyColour", value="x"),
        "invalid.value",
        {
            "field": "filter.predicates[0].dimension",
            "value": "journeyColour",
            "allowed": ALL_DIMENSIONS,
        },
    ),
    (
        "unknown operator",
        predicate(dimension="journeyDeviceCategory", operator="contains", value="x"),
        "invalid.value",
        {
            "field": "filter.predicates[0].operator",
            "value": "contains",
            "allowed": "matches, exists, notExists",
        },
    ),
    (
        "range with gt and gte",
        predicate(dimension="journeyActionMapVersion", range={"gt": 1, "gte": 2}),
        "bad.request",
        {
            "field": "filter.predicates[0].range",
            "reason": "give at most one lower bound (gt or gte) and one upper bound"
            " (lt or lte).",
        },
    ),
    (
        "too many views",
        base(
            views=[
                {
                    "name": f"v{i}",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 1},
                }
                for i in range(11)
            ]
        ),
        "invalid.value",
        {
            "field": "views",
            "value": "11 items",
            "allowed": "arrays of at most 10 items",
        },
    ),
    (
        "view named like a metric",
        base(
            views=[
                {
                    "name": "nJourneySessions",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 1},
                }
            ]
        ),
        "bad.request",
        {"field": "views[0].name", "value": "nJourneySessions"},
    ),
    (
        "two views of one name",
        base(
            views=[
                {
                    "name": "v",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 1},
                },
                {
                    "name": "v",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 1},
                },
            ]
        ),
        "bad.request",
        {"field": "views[1].name", "value": "v"},
    ),
    (
        "rangeBound without a range",
        base(
            views=[
                {"name": "v", "target": "nJourneySessions", "function": "rangeBound"}
            ]
        ),
        "bad.request",
        {"field": "views[0]", "reason": "rangeBound needs a range with gte or lt."},
    ),
    (
        "view without target",
        base(views=[{"name": "v", "function": "rangeBound", "range": {"gte": 1}}]),
        "bad.request",
        {"field": "views[0].target"},
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "params"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_refusals(
    client: TestClient, token_for: Any, body: Any, code: str, params: dict[str, str]
) -> None:
    response = ask(client, token_for, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["messageParams"] == params


def test_needs_the_aggregate_permission(client: TestClient, token_for: Any) -> None:
    response = client.post(PATH, json=base(), headers=token_for(JOURNEY_EVENT_ADD))
    assert response.status_code == 403
    assert response.json()["messageParams"] == {
        "permissions": f"[{JOURNEY_AGGREGATE_VIEW}]"
    }


def test_nothing_matched_is_an_empty_object(client: TestClient, token_for: Any) -> None:
    response = ask(client, token_for, base())
    assert response.status_code == 200
    assert response.json() == {}


def _add(services: Services, *events: dict[str, Any]) -> None:
    result = services.analytics.add_events({"events": list(events)})
    assert result.accepted == len(events)


def test_groups_buckets_metrics_and_views(
    client: TestClient, token_for: Any, services: Services
) -> None:
    _add(
        services,
        {
            "id": "1",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-02T08:00:00Z",
            "journeyDeviceCategory": "mobile",
        },
        {
            "id": "2",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-03T08:00:00Z",
            "journeyDeviceCategory": "desktop",
        },
        {
            "id": "3",
            "eventType": "webActionOffered",
            "eventTime": "2020-11-03T09:00:00Z",
            "journeyDeviceCategory": "desktop",
        },
        {"id": "4", "eventType": "sessionStarted", "eventTime": "2020-11-03T10:00:00Z"},
        {
            "id": "5",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-09T00:00:00Z",
            "journeyDeviceCategory": "desktop",
        },
    )
    response = ask(
        client,
        token_for,
        base(
            granularity="P1D",
            groupBy=["journeyDeviceCategory"],
            metrics=["nWebActionsOffered", "nJourneySessions"],
            views=[
                {
                    "name": "ones",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 1, "lt": 2},
                },
                {
                    "name": "none",
                    "target": "nJourneySessions",
                    "function": "rangeBound",
                    "range": {"gte": 2},
                },
            ],
        ),
    )
    day2 = "2020-11-02T00:00:00.000Z/2020-11-03T00:00:00.000Z"
    day3 = "2020-11-03T00:00:00.000Z/2020-11-04T00:00:00.000Z"
    sessions = {"metric": "nJourneySessions", "stats": {"count": 1}}
    ones = [{"name": "ones", "stats": {"count": 1}}]
    assert response.json() == {
        "results": [
            {
                "group": {"journeyDeviceCategory": "desktop"},
                "data": [
                    {
                        "interval": day3,
                        "metrics": [
                            {"metric": "nWebActionsOffered", "stats": {"count": 1}},
                            sessions,
                        ],
                        "views": ones,
                    }
                ],
            },
            {
                "group": {"journeyDeviceCategory": "mobile"},
                "data": [{"interval": day2, "metrics": [sessions], "views": ones}],
            },
            {
                "group": {},
                "data": [{"interval": day3, "metrics": [sessions], "views": ones}],
            },
        ]
    }


def test_multivalued_segments_count_per_value_or_once_flattened(
    client: TestClient, token_for: Any, services: Services
) -> None:
    _add(
        services,
        {
            "id": "1",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-02T08:00:00Z",
            "journeySessionSegmentId": ["s1", "s2"],
        },
        {
            "id": "2",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-02T09:00:00Z",
            "journeySessionSegmentId": ["s2"],
        },
    )
    query = base(groupBy=["journeySessionSegmentId"])
    per_value = ask(client, token_for, query).json()
    assert [
        (r["group"], r["data"][0]["metrics"][0]["stats"]["count"])
        for r in per_value["results"]
    ] == [
        ({"journeySessionSegmentId": "s1"}, 1),
        ({"journeySessionSegmentId": "s2"}, 2),
    ]
    flat = ask(
        client, token_for, {**query, "flattenMultivaluedDimensions": True}
    ).json()
    assert [
        (r["group"], r["data"][0]["metrics"][0]["stats"]["count"])
        for r in flat["results"]
    ] == [
        ({"journeySessionSegmentId": "s1,s2"}, 1),
        ({"journeySessionSegmentId": "s2"}, 1),
    ]
    matches = ask(
        client,
        token_for,
        base(
            filter={
                "type": "and",
                "predicates": [{"dimension": "journeySessionSegmentId", "value": "s1"}],
            }
        ),
    ).json()
    assert matches["results"][0]["data"][0]["metrics"][0]["stats"]["count"] == 1


def test_numeric_range_filter_on_the_action_map_version(
    client: TestClient, token_for: Any, services: Services
) -> None:
    _add(
        services,
        *(
            {
                "id": str(v),
                "eventType": "webActionOffered",
                "eventTime": "2020-11-02T08:00:00Z",
                "journeyActionMapVersion": v,
            }
            for v in ("1", "2", "3", "10", "beta")
        ),
    )
    found = ask(
        client,
        token_for,
        base(
            metrics=["nWebActionsOffered"],
            filter={
                "type": "and",
                "predicates": [
                    {
                        "dimension": "journeyActionMapVersion",
                        "range": {"gt": 1, "lte": 10},
                    }
                ],
            },
        ),
    ).json()
    assert found["results"][0]["data"][0]["metrics"][0]["stats"]["count"] == 3
