"""The limits each area applies to its bodies, and the aggregate query timeout.

Items in an assignment update, views, groupBy and predicates of an aggregate
query, the length of every string in a body: each refusal is a 400 naming the
field, the value and the limit, and the store is unchanged after it. The numbers
come from the settings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from journeyapi.analytics import engine
from journeyapi.analytics.compiler import Compiled
from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.http.app import create_app
from journeyapi.services import Services
from journeyapi.storage.database import libpq_url
from tests import snapshots
from tests.snapshots import Snapshot

AGGREGATES = "/api/v2/analytics/journeys/aggregates/query"
TARGETS = "/api/v2/journey/actiontargets"
SEGMENTS = "/api/v2/journey/segments"
WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"


@pytest.fixture
def small(database_url: str, clock: ManualClock) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url,
        max_segment_assignments_per_request=3,
        max_aggregate_views=2,
        max_aggregate_group_by=2,
        max_aggregate_predicates=3,
        max_string_length=64,
        aggregate_query_timeout_seconds=0.5,
    )
    with TestClient(create_app(settings, clock), raise_server_exceptions=False) as tc:
        yield tc


def services_of(client: TestClient) -> Services:
    found: Services = client.app.state.services  # type: ignore[attr-defined]
    return found


@pytest.fixture
def headers(small: TestClient) -> dict[str, str]:
    services = services_of(small)
    created = services.auth.create_client("limits", permissions=ALL_PERMISSIONS)
    token = services.auth.issue_token(created.client_id, 3600).access_token
    return {"Authorization": f"Bearer {token}"}


def snapshot(client: TestClient) -> Snapshot:
    return snapshots.snapshot(services_of(client).db)


def refused(answer: Any, field: str, value: str, allowed: str) -> None:
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalid.value"
    assert body["status"] == 400
    assert body["messageParams"] == {
        "field": field,
        "value": value,
        "allowed": allowed,
    }
    assert body["message"] == (
        f"Value [{value}] is not valid for field type [{field}]. "
        f"Allowable values are: {allowed}"
    )
    assert body["details"] == [{"errorCode": "invalid.value", "fieldName": field}]


def query(**changes: Any) -> dict[str, Any]:
    return {"interval": WEEK, "metrics": ["nJourneySessions"], **changes}


def view(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "target": "nJourneySessions",
        "function": "rangeBound",
        "range": {"gte": 1},
    }


def dimension(name: str = "journeySessionType") -> dict[str, Any]:
    return {"type": "dimension", "dimension": name, "value": "web"}


# --- assignment updates -----------------------------------------------------------


def test_more_assignment_updates_than_the_setting_is_400(
    small: TestClient, headers: dict[str, str]
) -> None:
    segment = small.post(
        SEGMENTS,
        json={"displayName": "Web", "scope": "Customer", "shouldDisplayToAgent": False},
        headers=headers,
    ).json()["id"]
    contact = small.post(
        "/api/v2/externalcontacts/contacts",
        json={"firstName": "Ann", "workEmail": "ann@example.com"},
        headers=headers,
    ).json()["id"]
    before = snapshot(small)
    path = f"/api/v2/journey/externalcontacts/{contact}/segments"

    four = small.post(
        path, json=[{"segmentId": segment, "state": "Assigned"}] * 4, headers=headers
    )
    nested = small.post(
        f"/api/v2/externalcontacts/contacts/{contact}/journey/segments",
        json={
            "assign": {"segments": [{"id": segment}] * 2},
            "unassign": {"segments": [{"id": segment}] * 2},
        },
        headers=headers,
    )

    refused(four, "body", "4 items", "arrays of at most 3 items")
    refused(nested, "body", "4 items", "arrays of at most 3 items")
    assert snapshot(small) == before


# --- aggregate queries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        (
            query(views=[view("a"), view("b"), view("c")]),
            "views",
            "3 items",
            "arrays of at most 2 items",
        ),
        (
            query(
                groupBy=["journeySessionType", "journeyDeviceType", "journeyOutcomeId"]
            ),
            "groupBy",
            "3 items",
            "arrays of at most 2 items",
        ),
        (
            query(filter={"type": "and", "predicates": [dimension()] * 4}),
            "filter.predicates",
            "4 items",
            "arrays of at most 3 items",
        ),
        (
            query(
                filter={
                    "type": "or",
                    "clauses": [{"type": "and", "predicates": [dimension()] * 4}],
                }
            ),
            "filter.clauses[0].predicates",
            "4 items",
            "arrays of at most 3 items",
        ),
        (
            query(
                filter={
                    "type": "or",
                    "predicates": [dimension()] * 2,
                    "clauses": [{"type": "and", "predicates": [dimension()] * 2}],
                }
            ),
            "filter",
            "4 items",
            "arrays of at most 3 items",
        ),
        (
            query(metrics=["nJourneySessions"] * 16),
            "metrics",
            "16 items",
            "arrays of at most 15 items",
        ),
    ],
    ids=["views", "groupBy", "predicates", "clause predicates", "all predicates", "m"],
)
def test_aggregate_arrays_over_their_limit_are_400(
    small: TestClient,
    headers: dict[str, str],
    body: dict[str, Any],
    field: str,
    value: str,
    allowed: str,
) -> None:
    refused(small.post(AGGREGATES, json=body, headers=headers), field, value, allowed)


def test_aggregate_arrays_at_their_limit_are_answered(
    small: TestClient, headers: dict[str, str]
) -> None:
    body = query(
        views=[view("a"), view("b")],
        groupBy=["journeySessionType", "journeyDeviceType"],
        filter={
            "type": "or",
            "predicates": [dimension()],
            "clauses": [{"type": "and", "predicates": [dimension()] * 2}],
        },
    )

    answer = small.post(AGGREGATES, json=body, headers=headers)

    assert answer.status_code == 200
    assert answer.json() == {}


# --- string lengths ---------------------------------------------------------------


def test_a_string_over_the_limit_is_400_naming_its_field(
    small: TestClient, headers: dict[str, str]
) -> None:
    long = "x" * 65
    target = small.post(TARGETS, json={"name": "Sales"}, headers=headers).json()["id"]
    before = snapshot(small)

    created = small.post(TARGETS, json={"name": long}, headers=headers)
    patched = small.patch(
        f"{TARGETS}/{target}",
        json={"name": "Support", "serviceLevel": {"percentage": 0.8}, "skills": [long]},
        headers=headers,
    )
    segment = small.post(
        SEGMENTS,
        json={"displayName": "Web", "scope": "Customer", "description": long},
        headers=headers,
    )
    listed = small.post(
        "/api/v2/journey/sessions/s1/segments",
        json=[{"segmentId": long, "state": "Assigned"}],
        headers=headers,
    )
    predicate = small.post(
        AGGREGATES,
        json=query(
            filter={"type": "and", "predicates": [{**dimension(), "value": long}]}
        ),
        headers=headers,
    )

    allowed = "strings of at most 64 characters"
    refused(created, "name", long, allowed)
    refused(patched, "skills[0]", long, allowed)
    refused(segment, "description", long, allowed)
    refused(listed, "body[0].segmentId", long, allowed)
    refused(predicate, "filter.predicates[0].value", long, allowed)
    assert snapshot(small) == before


def test_a_string_at_the_limit_is_kept(
    small: TestClient, headers: dict[str, str]
) -> None:
    answer = small.post(TARGETS, json={"name": "x" * 64}, headers=headers)

    assert answer.status_code == 201
    assert answer.json()["name"] == "x" * 64


# --- the aggregate query timeout ----------------------------------------------------

SLOW = {
    # Minutes of work on one thread: far past the half second allowed.
    "sqlite": "SELECT count(*) FROM range(100000000000) AS t(x) WHERE x % 7 = 3",
    "postgresql": "SELECT pg_sleep(60)",
}


def test_a_query_past_the_timeout_is_504_and_cancelled_in_the_database(
    small: TestClient,
    headers: dict[str, str],
    backend: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow(query: object, dialect: object) -> Compiled:
        return Compiled(SLOW[backend], [], (), 0)

    monkeypatch.setattr(engine, "compile_query", slow)

    started = time.monotonic()
    answer = small.post(AGGREGATES, json=query(), headers=headers)
    took = time.monotonic() - started

    assert answer.status_code == 504
    body = answer.json()
    assert body["code"] == "request.timeout"
    assert body["status"] == 504
    assert body["message"] == (
        "The aggregate query ran longer than 0.5 seconds and was cancelled."
        " Narrow the interval, the filter or the groupBy and ask again."
    )
    assert body["messageParams"] == {"seconds": "0.5"}
    # The answer waits for the database to stop the statement, so its coming
    # back soon shows the statement stopped.
    assert took < 10
    if backend == "postgresql":
        assert statements_running(database_url, SLOW[backend]) == 0

    monkeypatch.undo()
    after = small.post(AGGREGATES, json=query(), headers=headers)
    assert after.status_code == 200


def statements_running(database_url: str, sql: str) -> int:
    with psycopg.connect(libpq_url(database_url), autocommit=True) as connection:
        found = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
            " AND query = %s AND pid <> pg_backend_pid()",
            (sql,),
        ).fetchone()
    assert found is not None
    return int(found[0])
