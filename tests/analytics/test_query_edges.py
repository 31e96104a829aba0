"""The aggregate query at the edges: the calendar's ends, huge granularities,
strict JSON types, zone names and clauses inside clauses. Each is a 400, never
a 500 nor a silent coercion."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from journeyapi.analytics import buckets
from journeyapi.auth.permissions import JOURNEY_AGGREGATE_VIEW

PATH = "/api/v2/analytics/journeys/aggregates/query"
WEEK = "2020-11-01T00:00:00Z/2020-11-08T00:00:00Z"
UTC_RANGE = "a date-time must fall between 0001-01-01 and 9999-12-31 in UTC"
ZONES = "an IANA time zone name such as UTC or Europe/London"


def ask(client: TestClient, token_for: Any, body: Any) -> Any:
    # Sent as text: the test client's encoder refuses NaN, which a caller's
    # JSON library may well send, and the server's parser reads.
    headers = {**token_for(JOURNEY_AGGREGATE_VIEW), "Content-Type": "application/json"}
    return client.post(PATH, content=json.dumps(body), headers=headers)


def base(**changes: Any) -> dict[str, Any]:
    return {"interval": WEEK, "metrics": ["nJourneySessions"], **changes}


def ranged(bounds: dict[str, Any]) -> dict[str, Any]:
    predicate = {"dimension": "journeyActionMapVersion", "range": bounds}
    return base(filter={"type": "and", "predicates": [predicate]})


def view(bounds: dict[str, Any]) -> dict[str, Any]:
    return base(
        views=[
            {
                "name": "v",
                "target": "nJourneySessions",
                "function": "rangeBound",
                "range": bounds,
            }
        ]
    )


def invalid(field: str, value: str, allowed: str) -> tuple[str, dict[str, str], str]:
    message = (
        f"Value [{value}] is not valid for field type [{field}]. "
        f"Allowable values are: {allowed}"
    )
    return (
        "invalid.value",
        {"value": value, "field": field, "allowed": allowed},
        message,
    )


def uneven(granularity: str, interval: str = WEEK, zone: str = "UTC") -> Any:
    params = {
        "field": "granularity",
        "value": granularity,
        "interval": interval,
        "timeZone": zone,
    }
    message = (
        f"The interval [{interval}] is not a whole number of [{granularity}] steps"
        f" in time zone [{zone}]."
    )
    return "bad.request", params, message


NESTED = "a clause holds only its type and predicates; clauses do not nest."


def nested(field: str) -> tuple[str, dict[str, str], str]:
    message = f"The filter part [{field}] is not valid: {NESTED}"
    return "bad.request", {"field": field, "reason": NESTED}, message


def clause(**extra: Any) -> dict[str, Any]:
    predicate = {"dimension": "journeyDeviceCategory", "value": "mobile"}
    return {"type": "or", "predicates": [predicate], **extra}


BEFORE_YEAR_1 = "0001-01-01T00:00:00+14:00/0001-01-02T00:00:00Z"
AFTER_YEAR_9999 = "9999-12-30T00:00:00Z/9999-12-31T23:59:59-14:00"
MANY_NINES = "P" + "9" * 900 + "D"

CASES: list[tuple[str, Any, tuple[str, dict[str, str], str]]] = [
    (
        "interval starting before year 1 in UTC",
        base(interval=BEFORE_YEAR_1),
        invalid("interval", BEFORE_YEAR_1, UTC_RANGE),
    ),
    (
        "interval ending after year 9999 in UTC",
        base(interval=AFTER_YEAR_9999),
        invalid("interval", AFTER_YEAR_9999, UTC_RANGE),
    ),
    *(
        (f"granularity {text}", base(granularity=text), uneven(text))
        for text in (
            "P1000000000D",
            "P100000M",
            "P999999999999M",
            "PT999999999999H",
            "P99999999999W",
            "P99999999999999999999D",
        )
    ),
    (
        "granularity of 900 digits",
        base(granularity=MANY_NINES),
        uneven(MANY_NINES[:200] + "..."),
    ),
    (
        "a month step past December 9999",
        base(interval="9999-12-01T00:00:00Z/9999-12-31T23:59:59Z", granularity="P1M"),
        uneven("P1M", "9999-12-01T00:00:00Z/9999-12-31T23:59:59Z"),
    ),
    (
        "a local start before year 1",
        base(
            interval="0001-01-01T00:00:00Z/0001-01-02T00:00:00Z",
            granularity="P1D",
            timeZone="America/New_York",
        ),
        uneven("P1D", "0001-01-01T00:00:00Z/0001-01-02T00:00:00Z", "America/New_York"),
    ),
    (
        "flattenMultivaluedDimensions as text",
        base(flattenMultivaluedDimensions="yes"),
        invalid("flattenMultivaluedDimensions", "yes", "true, false"),
    ),
    (
        "flattenMultivaluedDimensions as a number",
        base(flattenMultivaluedDimensions=1),
        invalid("flattenMultivaluedDimensions", "1", "true, false"),
    ),
    (
        "a filter bound as text",
        ranged({"gt": "1"}),
        invalid("filter.predicates[0].range.gt", "1", "numbers"),
    ),
    (
        "a filter bound of true",
        ranged({"lte": True}),
        invalid("filter.predicates[0].range.lte", "true", "numbers"),
    ),
    (
        "a filter bound of NaN",
        ranged({"gt": float("nan")}),
        invalid("filter.predicates[0].range.gt", "NaN", "finite numbers"),
    ),
    (
        "a filter bound of Infinity",
        ranged({"lt": float("inf")}),
        invalid("filter.predicates[0].range.lt", "Infinity", "finite numbers"),
    ),
    (
        "a view bound of NaN",
        view({"gte": float("nan")}),
        invalid("views[0].range.gte", "NaN", "finite numbers"),
    ),
    (
        "a view bound of true",
        view({"gte": True}),
        invalid("views[0].range.gte", "true", "numbers"),
    ),
    (
        "a view bound as text",
        view({"gte": 1, "lt": "2"}),
        invalid("views[0].range.lt", "2", "numbers"),
    ),
    *(
        (
            f"time zone file {name}",
            base(timeZone=name),
            invalid("timeZone", name, ZONES),
        )
        for name in ("localtime", "posixrules", "Factory", "posix/Europe/London")
    ),
    (
        "clauses inside a clause",
        base(filter={"type": "and", "clauses": [clause(clauses=[clause()])]}),
        nested("filter.clauses[0].clauses"),
    ),
    (
        "empty clauses inside a clause",
        base(filter={"type": "or", "clauses": [clause(), clause(clauses=[])]}),
        nested("filter.clauses[1].clauses"),
    ),
    (
        "clauses instead of predicates in a clause",
        base(filter={"type": "and", "clauses": [{"type": "or", "clauses": [{}]}]}),
        nested("filter.clauses[0].clauses"),
    ),
]


@pytest.mark.parametrize(
    ("body", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_refusals(
    client: TestClient,
    token_for: Any,
    body: Any,
    expected: tuple[str, dict[str, str], str],
) -> None:
    code, params, message = expected
    response = ask(client, token_for, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == code
    assert error["messageParams"] == params
    assert error["message"] == message
    assert [detail["fieldName"] for detail in error["details"]] == [params["field"]]


ACCEPTED: list[tuple[str, Any]] = [
    (
        "the first day of year 1",
        base(interval="0001-01-01T00:00:00Z/0001-01-02T00:00:00Z"),
    ),
    (
        "hours on the first day of year 1",
        base(interval="0001-01-01T00:00:00Z/0001-01-02T00:00:00Z", granularity="PT1H"),
    ),
    (
        "the last instant of year 9999",
        base(interval="9999-12-31T22:00:00Z/9999-12-31T23:59:59.999999Z"),
    ),
    (
        "November 9999 by months",
        base(interval="9999-11-01T00:00:00Z/9999-12-01T00:00:00Z", granularity="P1M"),
    ),
    (
        "leading zeros in a granularity",
        base(
            interval="2020-11-01T00:00:00Z/2020-11-02T00:00:00Z",
            granularity="P" + "0" * 30 + "1D",
        ),
    ),
    ("flattenMultivaluedDimensions false", base(flattenMultivaluedDimensions=False)),
    ("flattenMultivaluedDimensions null", base(flattenMultivaluedDimensions=None)),
    ("integer and fractional filter bounds", ranged({"gt": 1, "lt": 2.5})),
    ("integer view bounds", view({"gte": 1, "lt": 2})),
    *((f"time zone {name}", base(timeZone=name)) for name in ("UTC", "Etc/UTC", "GMT")),
    ("a backward link zone", base(timeZone="US/Eastern")),
    (
        "clauses: null inside a clause",
        base(filter={"type": "and", "clauses": [clause(clauses=None)]}),
    ),
]


@pytest.mark.parametrize(
    "body", [case[1] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_accepted(client: TestClient, token_for: Any, body: Any) -> None:
    response = ask(client, token_for, body)
    assert response.status_code == 200
    assert response.json() == {}


def test_a_count_of_thousands_of_digits_is_past_the_calendar() -> None:
    # More digits than int() reads by default: reachable only with a raised
    # JOURNEYAPI_MAX_STRING_LENGTH, and then still an uneven interval.
    granularity = buckets.parse_granularity("P" + "9" * 5000 + "D")
    assert granularity is not None
    start = datetime(2020, 11, 1, tzinfo=UTC)
    end = datetime(2020, 11, 8, tzinfo=UTC)
    with pytest.raises(buckets.Uneven):
        buckets.edges(start, end, granularity, ZoneInfo("UTC"), 10_000)


def test_a_granularity_in_other_digits_than_ascii_is_not_supported(
    client: TestClient, token_for: Any
) -> None:
    response = ask(client, token_for, base(granularity="P\uff11D"))

    assert response.status_code == 400
    assert response.json()["code"] == "bad.request"
    assert response.json()["messageParams"] == {
        "field": "granularity",
        "value": "P\uff11D",
    }
