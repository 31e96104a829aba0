"""Ingestion (route, hook, CLI import) and the outbox relay."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from journeyapi.analytics import outbox
from journeyapi.auth.permissions import JOURNEY_AGGREGATE_VIEW, JOURNEY_EVENT_ADD
from journeyapi.cli import main
from journeyapi.clock import ManualClock
from journeyapi.models.events import JourneyEvent
from journeyapi.segments.customers import CustomerService
from journeyapi.services import Services
from journeyapi.storage.database import open_database

GOOD = {"id": "e1", "eventType": "sessionStarted", "eventTime": "2020-11-02T10:00:00Z"}


def test_route_counts_accepted_duplicates_and_rejected(
    client: TestClient, token_for: Any, services: Services
) -> None:
    body = {
        "events": [
            GOOD,
            {**GOOD, "id": "e2", "eventTime": "2020-11-02T11:00:00+01:00"},
            GOOD,
            {**GOOD, "id": "e3", "eventType": "sessionEnded"},
            {**GOOD, "id": "e4", "eventTime": "2020-11-02T10:00:00"},
            "not an event",
        ]
    }
    response = client.post(
        "/api/v2/journey/events", json=body, headers=token_for(JOURNEY_EVENT_ADD)
    )
    assert response.status_code == 200
    answer = response.json()
    assert (answer["accepted"], answer["duplicates"]) == (2, 1)
    assert [item["index"] for item in answer["rejected"]] == [3, 4, 5]
    assert answer["rejected"][1]["reason"] == (
        "eventTime: a date-time needs a UTC offset, for example Z or +01:00"
    )
    assert services.analytics.events.count() == 2


def test_route_needs_a_list_of_events(client: TestClient, token_for: Any) -> None:
    response = client.post(
        "/api/v2/journey/events",
        json={"events": 3},
        headers=token_for(JOURNEY_EVENT_ADD),
    )
    assert response.status_code == 400
    assert response.json()["messageParams"]["field"] == "events"


def test_the_hook_hears_every_valid_event(services: Services) -> None:
    heard: list[list[str]] = []
    services.analytics.ingestion.on_accepted = lambda events: heard.append(
        events.column("id").to_pylist()
    )
    services.analytics.add_events({"events": [GOOD]})
    services.analytics.add_events(
        {"events": [GOOD, {**GOOD, "id": "e2"}, {**GOOD, "id": "e2"}, {"id": "bad"}]}
    )
    assert heard == [["e1"], ["e1", "e2", "e2"]]


def test_relay_moves_outbox_events_once_even_after_a_crash(
    services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [JourneyEvent.model_validate({**GOOD, "id": f"o{i}"}) for i in range(3)]
    with services.db.transaction():
        outbox.enqueue(services.db, clock, events)

    def crash(db: object, up_to_seq: int) -> None:
        raise RuntimeError("the process died here")

    monkeypatch.setattr(outbox, "acknowledge", crash)
    with pytest.raises(RuntimeError):
        services.analytics.relay.run()
    assert services.analytics.events.count() == 3
    assert len(outbox.pending(services.db)) == 3

    monkeypatch.undo()
    assert services.analytics.relay.run() == 0
    assert services.analytics.events.count() == 3
    assert outbox.pending(services.db) == []


def test_a_query_sees_what_the_outbox_holds(
    client: TestClient, token_for: Any, services: Services, clock: ManualClock
) -> None:
    assigned = JourneyEvent.model_validate(
        {**GOOD, "id": "a1", "eventType": "segmentAssigned", "journeySegmentId": "s"}
    )
    with services.db.transaction():
        outbox.enqueue(services.db, clock, [assigned])
    response = client.post(
        "/api/v2/analytics/journeys/aggregates/query",
        json={
            "interval": "2020-11-02T00:00:00Z/2020-11-03T00:00:00Z",
            "metrics": ["nJourneySegmentsAssigned"],
        },
        headers=token_for(JOURNEY_AGGREGATE_VIEW),
    )
    assert response.json()["results"][0]["data"][0]["metrics"] == [
        {"metric": "nJourneySegmentsAssigned", "stats": {"count": 1}}
    ]


def test_cli_import_is_idempotent_and_reports_lines(
    tmp_path: Path, database_url: str
) -> None:
    file = tmp_path / "events.jsonl"
    file.write_text(
        '{"id":"x1","eventType":"sessionStarted","eventTime":"2020-11-02T10:00:00Z"}\n'
        "\n"
        "{bad\n"
        '{"id":"x2","eventType":"nope","eventTime":"2020-11-02T10:00:00Z"}\n'
        '{"id":"x3","eventType":"sessionStarted","eventTime":"2020-11-02T10:00:00Z",'
        '"journeySessionSegmentId":"not a list"}\n'
        '{"id":"x4","eventType":"webActionOffered","eventTime":"2020-11-02T10:00:00.5+05:30",'
        '"journeySessionSegmentId":["a","a","b"]}\n'
    )
    database = database_url
    runner = CliRunner()
    first = runner.invoke(
        main, ["events", "import", str(file), "--database", database, "--no-progress"]
    )
    assert first.exit_code == 0, first.output
    assert "2 accepted, 0 duplicates, 3 rejected" in first.output
    assert "line 3: not valid JSON" in first.output
    assert "line 4: eventType: Input should be" in first.output
    assert (
        "line 5: journeySessionSegmentId: Input should be a valid list" in first.output
    )

    again = runner.invoke(
        main, ["events", "import", str(file), "--database", database, "--no-progress"]
    )
    assert "0 accepted, 2 duplicates, 3 rejected" in again.output


def test_cli_import_refuses_a_file_the_server_holds(tmp_path: Path) -> None:
    file = tmp_path / "events.jsonl"
    file.write_text(
        '{"id":"x1","eventType":"sessionStarted","eventTime":"2020-11-02T10:00:00Z"}\n'
    )
    events = tmp_path / "j.events.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,sys; c=duckdb.connect({str(events)!r});"
            " print('ok', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ok\n"
        result = CliRunner().invoke(
            main,
            [
                "events",
                "import",
                str(file),
                "--database",
                str(tmp_path / "j.db"),
                "--no-progress",
            ],
        )
    finally:
        holder.communicate("")
    assert result.exit_code == 1
    # The holder as DuckDB names it: the program's path and its process id.
    assert "is in use by another process (/" in result.output
    assert f"(PID {holder.pid}))" in result.output
    assert "stop the running journeyapi server first" in result.output
    assert "Traceback" not in result.output


def test_cli_import_records_customers_and_sessions_across_chunks(
    tmp_path: Path, database_url: str
) -> None:
    ann = {"journeyCustomerIdType": "email", "journeyCustomerId": "ann@x"}
    lines = [
        json.dumps(
            {**GOOD, "id": f"c{n}", "eventTime": f"2020-11-02T10:{n:02d}:00Z",
             "sessionId": f"s{n % 3}", **ann}
        )
        for n in range(30)
    ]  # fmt: skip
    # A later chunk names another customer and type for s0: s0 stays as it was.
    lines.append(
        '{"id":"late","eventType":"sessionStarted","eventTime":"2020-11-01T00:00:00Z",'
        '"sessionId":"s0","journeyCustomerIdType":"cookie","journeyCustomerId":"k",'
        '"journeySessionType":"app"}'
    )
    file = tmp_path / "events.jsonl"
    file.write_text("".join(line + "\n" for line in lines))

    # About two lines a chunk: fifteen chunks, each heard while the next is read.
    result = CliRunner().invoke(
        main,
        ["events", "import", str(file), "--database", database_url,
         "--batch-size", "1", "--no-progress"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "31 accepted, 0 duplicates, 0 rejected" in result.output
    db = open_database(database_url)
    try:
        rows = db.fetch_all(
            "SELECT id, type, customer_id_type, customer_id, start_ms FROM sessions"
            " ORDER BY id"
        )
        customers = db.fetch_all(
            "SELECT id_type, id_value FROM customer_identities ORDER BY id_type"
        )
    finally:
        db.close()
    start = 1604311200000  # 2020-11-02T10:00:00Z
    names = ("id", "type", "customer_id_type", "customer_id", "start_ms")
    assert [tuple(row[name] for name in names) for row in rows] == [
        ("s0", "web", "email", "ann@x", start),
        ("s1", "web", "email", "ann@x", start + 60_000),
        ("s2", "web", "email", "ann@x", start + 120_000),
    ]
    # The cookie customer of the late event was recorded all the same.
    assert [(row["id_type"], row["id_value"]) for row in customers] == [
        ("cookie", "k"),
        ("email", "ann@x"),
    ]


def test_cli_import_refuses_a_memory_limit_that_is_not_one(tmp_path: Path) -> None:
    file = tmp_path / "events.jsonl"
    file.write_text(json.dumps(GOOD) + "\n")

    # The limit is DuckDB's: the embedded event store's.
    result = CliRunner().invoke(
        main,
        ["events", "import", str(file), "--database", str(tmp_path / "j.db"),
         "--memory-limit", "lots"],
    )  # fmt: skip

    assert result.exit_code == 2
    assert (
        "Invalid value for '--memory-limit': 'lots' is not an amount" in result.output
    )
    # Refused before anything is opened: no database file was made.
    assert list(tmp_path.iterdir()) == [file]


def test_route_refuses_a_lone_surrogate_as_every_route_does(
    client: TestClient, token_for: Any, services: Services
) -> None:
    # Python's JSON parser reads "\ud800" as a lone surrogate, which no store
    # can encode: like a NUL, it is refused at the edge, naming the field.
    body = (
        '{"events": [{"id": "s", "eventType": "sessionStarted",'
        ' "eventTime": "2020-11-02T10:00:00Z", "sessionId": "\\ud800"}]}'
    )
    response = client.post(
        "/api/v2/journey/events",
        content=body,
        headers={**token_for(JOURNEY_EVENT_ADD), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "field": "events[0].sessionId",
        "value": "\\ud800",
        "allowed": "valid Unicode text (a lone surrogate such as \\ud800 is not)",
    }
    assert services.analytics.events.count() == 0


def test_cli_import_skips_a_byte_order_mark(tmp_path: Path, database_url: str) -> None:
    file = tmp_path / "events.jsonl"
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")

    result = CliRunner().invoke(
        main, ["events", "import", str(file), "--database", database_url,
               "--no-progress"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "1 accepted, 0 duplicates, 0 rejected" in result.output


def test_an_import_whose_recording_failed_is_repaired_by_running_it_again(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = {"journeyCustomerIdType": "email", "journeyCustomerId": "ann@x"}
    file = tmp_path / "events.jsonl"
    file.write_text(json.dumps({**GOOD, "sessionId": "s1", **ann}) + "\n")

    def locked(self: CustomerService, mentions: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as patched:
        patched.setattr(CustomerService, "record", locked)
        failed = CliRunner().invoke(
            main, ["events", "import", str(file), "--database", database_url,
                   "--no-progress"],
        )  # fmt: skip
    again = CliRunner().invoke(
        main, ["events", "import", str(file), "--database", database_url,
               "--no-progress"],
    )  # fmt: skip

    assert failed.exit_code == 1
    assert "Traceback" not in failed.output
    assert (
        "Error: the database could not be written (database is locked); is another"
        " process holding it? The batches before were stored; an import run again"
        " counts them as duplicates and records the customers and sessions they"
        " mention." in failed.output
    )
    assert "0 accepted, 1 duplicates, 0 rejected" in again.output
    db = open_database(database_url)
    try:
        sessions = db.fetch_all("SELECT id, customer_id FROM sessions")
    finally:
        db.close()
    assert [(row["id"], row["customer_id"]) for row in sessions] == [("s1", "ann@x")]
