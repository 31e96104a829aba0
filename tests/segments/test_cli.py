"""The segment commands through click's runner, on a fresh database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from journeyapi.cli import main
from journeyapi.config import Settings
from journeyapi.services import Services

SEGMENT = "8b006fca-e97a-40c2-b194-faf749b52528"
CONTACT = "3f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def ok(database: str, *args: str) -> Any:
    code, output = run(*args, "--database", database)
    assert code == 0, output
    return json.loads(output)


def test_segments_create_prints_the_segment_and_list_prints_every_one(
    database_url: str,
) -> None:
    created = ok(
        database_url, "segments", "create", "--name", "Frequent Buyer", "--scope",
        "Customer", "--expiration-days", "2", "--color", "#00ff00", "--description",
        "Bought twice", "--id", SEGMENT,
    )  # fmt: skip
    ok(database_url, "segments", "create", "--name", "Browsing", "--scope", "Session")
    code, listed = run("segments", "list", "--database", database_url)

    assert created == {
        "id": SEGMENT,
        "displayName": "Frequent Buyer",
        "description": "Bought twice",
        "color": "#00ff00",
        "scope": "Customer",
        "isActive": True,
        "shouldDisplayToAgent": False,
        "assignmentExpirationDays": 2,
        "version": 1,
        "selfUri": f"/api/v2/journey/segments/{SEGMENT}",
        "createdDate": created["createdDate"],
        "modifiedDate": created["createdDate"],
    }
    lines = listed.splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].endswith("  Session  30d  Browsing")
    assert lines[1] == f"{SEGMENT}  Customer  2d  Frequent Buyer"


def test_segments_create_refuses_bad_values(database_url: str) -> None:
    code, output = run(
        "segments", "create", "--name", "X", "--scope", "Customer",
        "--expiration-days", "400", "--database", database_url,
    )  # fmt: skip
    assert code == 1
    assert output == (
        "Error: Value [400] is not valid for field type [assignmentExpirationDays]."
        " Allowable values are: integers from 1 to 365\n"
    )
    code, output = run(
        "segments", "create", "--name", "X", "--scope", "customer",
        "--database", database_url,
    )  # fmt: skip
    assert code == 2
    assert "'customer' is not one of 'Customer', 'Session'" in output
    assert run("segments", "list", "--database", database_url) == (0, "")


def test_customers_contacts_sessions_and_assign(database_url: str) -> None:
    customer = ok(
        database_url, "customers", "create", "--identity", "email:ann@example.com",
        "--identity", "cookie:c 1",
    )  # fmt: skip
    contact = ok(
        database_url, "contacts", "create", "--first-name", "Ann", "--work-email",
        "ann@example.com", "--cell-phone", "+447700900123", "--id", CONTACT,
    )  # fmt: skip
    session = ok(
        database_url, "sessions", "create", "--customer", "cookie:c 1", "--id", "web-1",
        "--start", "2026-01-05T10:00:00+01:00",
    )  # fmt: skip
    customer_segment = ok(
        database_url, "segments", "create", "--name", "C", "--scope", "Customer"
    )["id"]
    session_segment = ok(
        database_url, "segments", "create", "--name", "S", "--scope", "Session"
    )["id"]

    assert [item["idType"] for item in customer["identities"]] == ["cookie", "email"]
    assert contact["cellPhone"] == {"e164": "+447700900123"}
    assert session == {
        "id": "web-1",
        "type": "web",
        "customer": {"id": "c 1", "idType": "cookie"},
        "createdDate": "2026-01-05T09:00:00.000Z",
        "selfUri": "/api/v2/journey/sessions/web-1",
    }
    assigned = ok(database_url, "assign", "--contact", CONTACT, "--segment",
                  customer_segment)  # fmt: skip
    in_session = ok(database_url, "assign", "--session", "web-1", "--segment",
                    session_segment)  # fmt: skip
    assert assigned == in_session == {"assigned": 1, "unassigned": 0}

    services = Services.build(Settings(database_url=database_url))
    try:
        rows = services.db.fetch_all(
            "SELECT segment_id, customer, state FROM segment_assignments"
            " ORDER BY segment_id"
        )
    finally:
        services.close()
    assert sorted((row["segment_id"], row["state"]) for row in rows) == sorted(
        [(customer_segment, "Assigned"), (session_segment, "Assigned")]
    )
    assert {row["customer"] for row in rows} == {customer["id"]}

    ended = ok(database_url, "sessions", "end", "web-1", "--at", "2026-01-05T11:00:00Z")
    assert ended["endedDate"] == "2026-01-05T11:00:00.000Z"
    assert ok(database_url, "assign", "--contact", CONTACT, "--unassign",
              customer_segment) == {"assigned": 0, "unassigned": 1}  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "output"),
    [
        (
            ("customers", "create", "--identity", "nocolon"),
            2,
            "'nocolon' is not TYPE:ID",
        ),
        (
            ("assign", "--segment", SEGMENT),
            2,
            "Name exactly one of --contact and --session.",
        ),
        (("assign", "--contact", CONTACT, "--session", "s"), 2, "Name exactly one of"),
        (
            ("sessions", "create", "--customer", "a:b", "--start", "2026-01-05T10:00"),
            2,
            "needs a UTC offset",
        ),  # fmt: skip
        (
            ("sessions", "end", "nope"),
            1,
            "Error: The requested resource was not found.\n",
        ),
        (
            ("contacts", "create", "--work-email", "a@x"),
            1,
            "Error: Value [null] is not valid for field type [firstName]. Allowable"
            " values are: a non-empty firstName or lastName\n",
        ),  # fmt: skip
    ],
)
def test_bad_commands_say_why(
    database_url: str, args: tuple[str, ...], code: int, output: str
) -> None:
    got_code, got = run(*args, "--database", database_url)

    assert got_code == code
    assert output in got


def test_assign_an_unknown_segment_changes_nothing(database_url: str) -> None:
    ok(database_url, "contacts", "create", "--first-name", "Ann", "--id", CONTACT)

    code, output = run(
        "assign", "--contact", CONTACT, "--segment", SEGMENT, "--database", database_url
    )

    assert code == 1
    assert output == f"Error: Segment [{SEGMENT}] does not exist.\n"


def test_ending_a_session_twice_is_refused(database_url: str) -> None:
    ok(database_url, "sessions", "create", "--customer", "a:b", "--id", "s-1")
    ok(database_url, "sessions", "end", "s-1")

    assert run("sessions", "end", "s-1", "--database", database_url) == (
        1,
        "Error: Session [s-1] has already ended.\n",
    )
