"""``journeyapi api ...`` against a running server."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from journeyapi.cli import main
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from journeyapi.demo.journeys import journey_events
from tests.analytics import reference
from tests.client.conftest import RunningServer
from tests.client.live import Provisioner, new_customer
from tests.client.test_live_aggregates import FUNNEL, SEGMENTS

pytestmark = pytest.mark.conformance


def run(server: RunningServer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        [
            "api",
            "--base-url",
            server.base_url,
            "--client-id",
            DEMO_CLIENT_ID,
            "--client-secret",
            DEMO_CLIENT_SECRET,
            *args,
        ],
    )
    return result.exit_code, result.output


def test_lists_action_targets_as_json(server: RunningServer) -> None:
    code, output = run(server, "actiontargets", "list", "--page-size", "3", "--json")

    assert code == 0
    listed = json.loads(output)
    expected = sorted(demo_action_targets(), key=lambda t: (t.name or "", t.id))
    assert [target["id"] for target in listed] == [target.id for target in expected]
    assert listed[0]["serviceLevel"] == {"percentage": 0.8, "durationMs": 20000}


def test_lists_action_targets_as_a_table(server: RunningServer) -> None:
    code, output = run(server, "actiontargets", "list")

    lines = output.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "NAME", "STATE", "MEDIA", "SERVICE", "LEVEL"]
    assert len(lines) == 1 + len(demo_action_targets())
    assert lines[1] == (
        "f489d82b-56b7-50cb-b579-eba16b3eb8e1  Billing              active    "
        "webchat,call            80% in 20 s"
    )


def test_an_api_error_is_a_cli_error(server: RunningServer) -> None:
    code, output = run(server, "actiontargets", "get", "no-such-target")

    assert code == 1
    assert output.startswith(
        "Error: 404 not.found: The requested resource was not found. (correlation id "
    )


def test_credentials_are_needed(server: RunningServer) -> None:
    result = CliRunner().invoke(
        main, ["api", "--base-url", server.base_url, "actiontargets", "list"]
    )

    assert result.exit_code == 1
    assert "pass client_id and client_secret (or access_token)" in result.output


def test_segments_list_needs_one_owner(server: RunningServer) -> None:
    code, output = run(server, "segments", "list")

    assert code == 2
    assert "Name one owner" in output


@pytest.fixture(scope="module")
def provision(server: RunningServer) -> Provisioner:
    return Provisioner(server)


def test_segments_list_prints_the_api_json_of_every_page(
    server: RunningServer, provision: Provisioner
) -> None:
    own = new_customer(provision, 3)
    provision.post(
        f"/api/v2/journey/externalcontacts/{own.contact}/segments",
        [
            {"segmentId": segment, "state": "Assigned"}
            for segment in own.customer_segments
        ],
        status=204,
    )
    provision.assign_in_session(own.session, own.session_segment)
    path = f"/api/v2/journey/customers/email/{own.email}/segments"

    code, output = run(
        server,
        "segments",
        "list",
        "--customer",
        "email",
        own.email,
        "--page-size",
        "2",
        "--json",
    )
    narrowed_code, narrowed = run(
        server,
        "segments",
        "list",
        "--session",
        own.session,
        "--scope",
        "Session",
        "--state",
        "Assigned",
        "--json",
    )

    assert (code, narrowed_code) == (0, 0)
    assert json.loads(output) == provision.get(path, pageSize="200")["entities"]
    assert len(json.loads(output)) == 4
    assert (
        json.loads(narrowed)
        == provision.get(
            f"/api/v2/journey/sessions/{own.session}/segments", segmentScope="Session"
        )["entities"]
    )


def test_segments_list_as_a_table(
    server: RunningServer, provision: Provisioner
) -> None:
    own = new_customer(provision, 2)
    provision.post(
        f"/api/v2/journey/externalcontacts/{own.contact}/segments",
        [
            {"segmentId": segment, "state": "Assigned"}
            for segment in own.customer_segments
        ],
        status=204,
    )
    provision.assign_in_session(own.session, own.session_segment)
    listed = provision.get(f"/api/v2/journey/externalcontacts/{own.contact}/segments")

    code, output = run(server, "segments", "list", "--external-contact", own.contact)

    lines = output.splitlines()
    assert code == 0
    assert lines[0].split() == [
        "ID",
        "SEGMENT",
        "SCOPE",
        "STATE",
        "CUSTOMER",
        "MODIFIED",
    ]
    assert [line.split() for line in lines[1:]] == [
        [
            item["id"],
            item["segment"]["id"],
            item["segment"]["scope"],
            item["state"],
            f"{item['customerIdType']}:{item['customerId']}",
            item["dateModified"],
        ]
        for item in listed["entities"]
    ]
    assert len(lines) == 4


def test_segments_assign_and_unassign(
    server: RunningServer, provision: Provisioner
) -> None:
    own = new_customer(provision, 2)
    first, second = own.customer_segments
    path = f"/api/v2/journey/externalcontacts/{own.contact}/segments"

    assigned = run(server, "segments", "assign", own.contact, first, second)
    unassigned = run(server, "segments", "unassign", own.contact, second)
    missing = run(server, "segments", "assign", str(uuid.uuid4()), first)

    assert assigned == (
        0,
        f"2 segment(s) assigned to external contact {own.contact}.\n",
    )
    assert unassigned == (
        0,
        f"1 segment(s) unassigned from external contact {own.contact}.\n",
    )
    states = {
        item["segment"]["id"]: item["state"] for item in provision.get(path)["entities"]
    }
    assert states == {first: "Assigned", second: "Unassigned"}
    assert missing[0] == 1
    assert missing[1].startswith("Error: 404 not.found: ")


@pytest.fixture(scope="module")
def events() -> list[dict[str, Any]]:
    return list(journey_events())


def test_aggregates_query_prints_the_api_json(
    server: RunningServer, tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    file = tmp_path / "query.json"
    file.write_text(json.dumps(FUNNEL))

    code, output = run(server, "aggregates", "query", str(file), "--json")

    assert code == 0
    assert json.loads(output) == reference.evaluate(FUNNEL, events)


def test_aggregates_query_as_a_table_from_yaml(
    server: RunningServer, tmp_path: Path, events: list[dict[str, Any]]
) -> None:
    file = tmp_path / "query.yaml"
    file.write_text(yaml.safe_dump(SEGMENTS))
    expected = [
        [
            ",".join(f"{key}={value}" for key, value in result["group"].items()) or "-",
            bucket["interval"],
            name,
            str(stats["count"]),
        ]
        for result in reference.evaluate(SEGMENTS, events)["results"]
        for bucket in result["data"]
        for name, stats in [
            *((m["metric"], m["stats"]) for m in bucket.get("metrics", ())),
            *((v["name"], v["stats"]) for v in bucket.get("views", ())),
        ]
    ]

    code, output = run(server, "aggregates", "query", str(file))

    lines = output.splitlines()
    assert code == 0
    assert lines[0].split() == ["GROUP", "INTERVAL", "METRIC", "COUNT"]
    assert [line.split() for line in lines[1:]] == expected
    assert len(expected) == 5


def test_aggregates_query_errors(server: RunningServer, tmp_path: Path) -> None:
    file = tmp_path / "query.json"
    file.write_text(json.dumps({**FUNNEL, "timeZone": "Mars/Base"}))

    code, output = run(server, "aggregates", "query", str(file))

    assert code == 1
    assert output.startswith(
        "Error: 400 invalid.value: Value [Mars/Base] is not valid for field type"
        " [timeZone]."
    )
