"""Hostile input: every request below gets its exact 4xx with the Genesys body,
and the store holds exactly the rows it held before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.services import Services
from tests.snapshots import snapshot

SEGMENTS = "/api/v2/journey/segments"
TARGETS = "/api/v2/journey/actiontargets"
AGGREGATES = "/api/v2/analytics/journeys/aggregates/query"
SESSION_SEGMENTS = "/api/v2/journey/sessions/s1/segments"
CUSTOMER_SEGMENTS = "/api/v2/journey/customers/cookie/abc/segments"
WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"
INJECTION = "x' OR '1'='1'; DROP TABLE segments; --"
JSON = {"Content-Type": "application/json"}
DEMO_ID = "0c6e2a6e-2f5a-4bb6-9d4e-1f0e3c6a7b10"


def nested_filter(depth: int) -> dict[str, Any]:
    clause: dict[str, Any] = {"type": "and", "predicates": []}
    for _ in range(depth):
        clause = {"type": "and", "clauses": [clause]}
    return {"interval": WEEK, "metrics": ["nJourneySessions"], "filter": clause}


def segment(**fields: Any) -> dict[str, Any]:
    return {"displayName": "Web", "scope": "Customer", **fields}


# (name, method, path, request keywords, status, code, field named or None)
CASES: list[tuple[str, str, str, dict[str, Any], int, str, str | None]] = [
    ("sql in a path id", "GET", f"{SEGMENTS}/{INJECTION}", {}, 404, "not.found", None),
    (
        "sql in a query value",
        "GET",
        SEGMENTS,
        {"params": {"pageSize": "1 OR 1=1"}},
        400,
        "invalid.value",
        "pageSize",
    ),
    (
        "sql in a cursor",
        "GET",
        CUSTOMER_SEGMENTS,
        {"params": {"after": INJECTION}},
        400,
        "invalid.value",
        "after",
    ),
    (
        "sql in a body id",
        "POST",
        SESSION_SEGMENTS,
        {"json": [{"segmentId": INJECTION, "state": "Assigned"}]},
        404,
        "not.found",
        None,
    ),
    (
        "path traversal",
        "GET",
        f"{SEGMENTS}/..%2F..%2Fetc%2Fpasswd",
        {},
        404,
        "not.found",
        None,
    ),
    ("dot segments", "DELETE", f"{TARGETS}/%2e%2e", {}, 404, "not.found", None),
    (
        "encoded slash",
        "PATCH",
        f"{TARGETS}/a%2Fb",
        {"json": {"name": "x"}},
        404,
        "not.found",
        None,
    ),
    ("a trailing slash", "GET", f"{TARGETS}/", {}, 404, "not.found", None),
    ("an encoded slash as the id", "GET", f"{TARGETS}/%2F", {}, 404, "not.found", None),
    ("nul in a path id", "GET", f"{SEGMENTS}/a%00b", {}, 404, "not.found", None),
    (
        "nul in a query value",
        "GET",
        CUSTOMER_SEGMENTS,
        {"params": {"after": "a\x00b"}},
        400,
        "invalid.value",
        "after",
    ),
    (
        "nul in a body string",
        "POST",
        SEGMENTS,
        {"json": segment(displayName="a\x00b")},
        400,
        "invalid.value",
        "displayName",
    ),
    (
        "a lone surrogate in a body string",
        "PATCH",
        f"{TARGETS}/{DEMO_ID}",
        {"content": b'{"name": "a\\ud800"}', "headers": JSON},
        400,
        "invalid.value",
        "name",
    ),
    (
        "a lone low surrogate in an array",
        "POST",
        SESSION_SEGMENTS,
        {
            "content": b'[{"segmentId": "\\uDC00", "state": "Assigned"}]',
            "headers": JSON,
        },
        400,
        "invalid.value",
        "body[0].segmentId",
    ),
    (
        "a lone surrogate in a fault rule",
        "POST",
        "/api/v2/journeyapi/faults",
        {"content": b'{"path": "/x\\ud800", "status": 503}', "headers": JSON},
        400,
        "invalid.value",
        "path",
    ),
    (
        "a lone surrogate in a time zone",
        "POST",
        AGGREGATES,
        {
            "content": b'{"interval": "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z",'
            b' "metrics": ["nJourneySessions"], "timeZone": "\\ud83d"}',
            "headers": JSON,
        },
        400,
        "invalid.value",
        "timeZone",
    ),
    (
        "nul in a body key",
        "POST",
        "/api/v2/externalcontacts/contacts",
        {"content": b'{"firstName": "Bo", "x\\u0000": 1}', "headers": JSON},
        400,
        "invalid.value",
        "x\\u0000",
    ),
    (
        "a very long string",
        "POST",
        SEGMENTS,
        {"json": segment(description="d" * 100_000)},
        400,
        "invalid.value",
        "description",
    ),
    (
        "a very long path id",
        "GET",
        f"{SEGMENTS}/{'s' * 10_000}",
        {},
        404,
        "not.found",
        None,
    ),
    (
        "non-utf-8 bytes",
        "POST",
        SEGMENTS,
        {
            "content": b'{"displayName": "\xff\xfe", "scope": "Customer"}',
            "headers": JSON,
        },
        400,
        "bad.request",
        None,
    ),
    (
        "a huge page number",
        "GET",
        SEGMENTS,
        {"params": {"pageNumber": str(10**40)}},
        400,
        "invalid.value",
        "pageNumber",
    ),
    (
        "a huge number in a body",
        "PATCH",
        f"{TARGETS}/{DEMO_ID}",
        {"content": b'{"serviceLevel": {"percentage": 1e999}}', "headers": JSON},
        400,
        "invalid.value",
        "serviceLevel.percentage",
    ),
    (
        "a huge integer in a body",
        "POST",
        "/api/v2/journey/events",
        {"content": b'{"events": ' + b"9" * 400 + b"}", "headers": JSON},
        400,
        "invalid.value",
        "events",
    ),
    (
        "a negative page number",
        "GET",
        SEGMENTS,
        {"params": {"pageNumber": "-1"}},
        400,
        "invalid.value",
        "pageNumber",
    ),
    (
        "a fractional page number",
        "GET",
        TARGETS,
        {"params": {"pageNumber": "1.5"}},
        400,
        "invalid.value",
        "pageNumber",
    ),
    *(
        (
            f"a page number or size of {text!r}",
            "GET",
            path,
            {"params": {name: text}},
            400,
            "invalid.value",
            name,
        )
        for path, name, text in (
            (TARGETS, "pageSize", "1.0"),
            (TARGETS, "pageNumber", "+1"),
            (SEGMENTS, "pageSize", " 1"),
            (SEGMENTS, "pageNumber", "1.0"),
            (
                f"/api/v2/externalcontacts/contacts/{DEMO_ID}/journey/segments",
                "limit",
                "1.0",
            ),
        )
    ),
    (
        "a page size of zero",
        "GET",
        CUSTOMER_SEGMENTS,
        {"params": {"pageSize": "0"}},
        400,
        "invalid.value",
        "pageSize",
    ),
    (
        "a duplicate query parameter",
        "GET",
        SEGMENTS,
        {"params": [("pageNumber", "1"), ("pageNumber", "2")]},
        400,
        "invalid.value",
        "pageNumber",
    ),
    (
        "text where JSON is expected",
        "POST",
        SEGMENTS,
        {"content": b"displayName=Web", "headers": {"Content-Type": "text/plain"}},
        415,
        "unsupported.media.type",
        None,
    ),
    (
        "a form where JSON is expected",
        "PATCH",
        f"{TARGETS}/{DEMO_ID}",
        {
            "content": b"name=x",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        415,
        "unsupported.media.type",
        None,
    ),
    (
        "an array where an object is expected",
        "POST",
        SEGMENTS,
        {"json": [segment()]},
        400,
        "invalid.value",
        "body",
    ),
    (
        "an object where an array is expected",
        "POST",
        SESSION_SEGMENTS,
        {"json": {"segmentId": "x", "state": "Assigned"}},
        400,
        "invalid.value",
        "body",
    ),
    (
        "a deeply nested filter",
        "POST",
        AGGREGATES,
        {"json": nested_filter(200)},
        400,
        "bad.request",
        None,
    ),
    (
        "sql in a filter value",
        "POST",
        AGGREGATES,
        {
            "json": {
                "interval": WEEK,
                "metrics": ["nJourneySessions"],
                "filter": {
                    "type": "and",
                    "predicates": [{"dimension": INJECTION, "value": INJECTION}],
                },
            }
        },
        400,
        "invalid.value",
        "filter.predicates[0].dimension",
    ),
]


@pytest.fixture
def headers(services: Services) -> dict[str, str]:
    created = services.auth.create_client("hostile", permissions=ALL_PERMISSIONS)
    token = services.auth.issue_token(created.client_id, 3600).access_token
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def stocked(client: TestClient, services: Services, headers: dict[str, str]) -> None:
    """A target, a segment, a contact and an assignment to leave untouched."""
    services.action_targets.import_targets(
        [ActionTarget.model_validate({"id": DEMO_ID, "name": "Demo"})],
        replace=False,
    )
    made = client.post(SEGMENTS, json=segment(), headers=headers)
    assert made.status_code == 201
    contact = client.post(
        "/api/v2/externalcontacts/contacts",
        json={"firstName": "Ann", "workEmail": "ann@example.com"},
        headers=headers,
    ).json()["id"]
    assigned = client.post(
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        json=[{"segmentId": made.json()["id"], "state": "Assigned"}],
        headers=headers,
    )
    assert assigned.status_code == 204


@pytest.mark.parametrize(
    ("method", "path", "keywords", "status", "code", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_hostile_request_is_refused_and_changes_nothing(
    client: TestClient,
    services: Services,
    headers: dict[str, str],
    stocked: None,
    method: str,
    path: str,
    keywords: dict[str, Any],
    status: int,
    code: str,
    field: str | None,
) -> None:
    before = snapshot(services.db)
    sent = {**keywords, "headers": {**headers, **keywords.get("headers", {})}}

    answer = client.request(method, path, **sent)

    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    body = answer.json()
    assert body["status"] == status
    assert set(body) >= {"message", "messageWithParams", "messageParams", "contextId"}
    assert "Traceback" not in answer.text
    assert "SELECT" not in answer.text
    if field is not None:
        assert body["messageParams"]["field"] == field
        assert {"errorCode": code, "fieldName": field} in body["details"]
    assert snapshot(services.db) == before


def test_the_stock_is_there(services: Services, stocked: None) -> None:
    taken = snapshot(services.db)

    assert [row[0] for row in taken["action_targets"]] == [DEMO_ID]
    assert len(taken["segments"]) == 1
    assert len(taken["segment_assignments"]) == 1
    assert json.dumps(taken, default=str).count("Web") == 1


def test_a_lone_surrogate_is_named_as_json_spells_it(
    client: TestClient, services: Services, headers: dict[str, str], stocked: None
) -> None:
    before = snapshot(services.db)
    # A pair is one character, and fine; the lone half after it is not.
    body = b'{"name": "ok \\ud83d\\ude00 then \\ud800"}'

    answer = client.patch(
        f"{TARGETS}/{DEMO_ID}", content=body, headers={**headers, **JSON}
    )

    assert answer.status_code == 400
    assert answer.json()["messageParams"] == {
        "field": "name",
        "value": "ok \U0001f600 then \\ud800",
        "allowed": "valid Unicode text (a lone surrogate such as \\ud800 is not)",
    }
    assert snapshot(services.db) == before
    paired = client.patch(
        f"{TARGETS}/{DEMO_ID}",
        content=b'{"name": "ok \\ud83d\\ude00"}',
        headers={**headers, **JSON},
    )
    assert (paired.status_code, paired.json()["name"]) == (200, "ok \U0001f600")
