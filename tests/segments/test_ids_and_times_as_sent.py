"""Ids that must lead back to what they name, and times only as ISO-8601 text."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from click.testing import CliRunner
from fastapi.testclient import TestClient

from journeyapi.cli import main
from journeyapi.services import Services
from tests.segments.conftest import Headers, Maker
from tests.snapshots import snapshot

SESSIONS = "/api/v2/journey/sessions"
TIME_TEXT = (
    "a date-time is an ISO-8601 string with a UTC offset, for example"
    " 2020-11-02T10:00:00Z"
)


def test_a_session_id_with_a_slash_is_refused_as_it_could_not_be_read_back(
    client: TestClient, admin: Headers, services: Services
) -> None:
    before = snapshot(services.db)
    customer = {"idType": "email", "id": "n@x"}

    for session_id in ("a/b", "..", "."):
        body = {"id": session_id, "type": "web", "customer": customer}
        refused = client.post(SESSIONS, json=body, headers=admin)

        assert refused.status_code == 400
        assert refused.json()["messageParams"] == {
            "field": "id",
            "value": session_id,
            "allowed": "strings of 1 to 64 characters without /, other than . and ..",
        }
    assert snapshot(services.db) == before


def test_an_odd_session_id_leads_back_through_its_self_uri(make: Maker) -> None:
    made = make.session("email", "n@x", id="visit 7?#x")

    found = make.listing(make.listing(f"{SESSIONS}/{quote(made, safe='')}")["selfUri"])

    assert made == "visit 7?#x"
    assert found["id"] == "visit 7?#x"
    assert found["selfUri"] == f"{SESSIONS}/visit%207%3F%23x"


def test_a_dot_customer_id_is_encoded_so_that_its_self_uri_leads_back(
    make: Maker,
) -> None:
    segment = make.segment("Here", scope="Session")
    make.assign_in_session(make.session("..", ".."), segment)

    listed = make.listing("/api/v2/journey/customers/%2E%2E/%2E%2E/segments")

    assert [item["customerId"] for item in listed["entities"]] == [".."]
    assert listed["selfUri"] == "/api/v2/journey/customers/%2E%2E/%2E%2E/segments"


def test_an_id_type_sent_with_an_encoded_slash_is_refused(
    client: TestClient, admin: Headers
) -> None:
    answer = client.get("/api/v2/journey/customers/e%2Fmail/x/segments", headers=admin)

    assert answer.status_code == 400
    assert answer.json()["messageParams"] == {
        "field": "customerIdType",
        "value": "e/mail",
        "allowed": "id types without /",
    }
    # A slash after the id type still belongs to the id.
    plain = client.get("/api/v2/journey/customers/email/a%2Fb/segments", headers=admin)
    assert (plain.status_code, plain.json()["entities"]) == (200, [])


def test_an_event_time_given_as_a_number_is_rejected_with_its_reason(
    client: TestClient, admin: Headers, services: Services
) -> None:
    base = {"eventType": "sessionStarted", "sessionId": "s"}
    events = [
        {**base, "id": "n1", "eventTime": 1605000000},
        {**base, "id": "n2", "eventTime": "1605000000.5"},
        {**base, "id": "ok", "eventTime": "2020-11-10T09:20:00Z"},
    ]

    answer = client.post(
        "/api/v2/journey/events", json={"events": events}, headers=admin
    )

    assert answer.status_code == 200
    assert answer.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [
            {"index": 0, "reason": f"eventTime: {TIME_TEXT}"},
            {"index": 1, "reason": f"eventTime: {TIME_TEXT}"},
        ],
    }
    assert services.analytics.events.count() == 1


def test_the_import_refuses_an_event_time_given_as_a_number(
    tmp_path: Path, database_url: str
) -> None:
    file = tmp_path / "events.jsonl"
    file.write_text(
        '{"id":"n1","eventType":"sessionStarted","eventTime":1605000000}\n'
        '{"id":"ok","eventType":"sessionStarted","eventTime":"2020-11-10T09:20:00Z"}\n'
    )

    done = CliRunner().invoke(
        main,
        ["events", "import", str(file), "--database", database_url, "--no-progress"],
    )

    assert done.exit_code == 0, done.output
    assert f"line 1: eventTime: {TIME_TEXT}" in done.output
    assert "1 accepted, 0 duplicates, 1 rejected" in done.output


def test_a_session_end_given_as_a_number_is_400(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    session = make.session("email", "n@x")

    answer = client.post(
        f"{SESSIONS}/{session}/end", json={"endedDate": 5}, headers=admin
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid.date"
    assert answer.json()["messageParams"] == {"field": "endedDate", "value": "5"}
    assert "endedDate" not in make.listing(f"{SESSIONS}/{session}")
