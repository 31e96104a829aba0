"""``journeyapi api ...`` against a running server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from journeyapi.cli import main
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from tests.client.conftest import RunningServer

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
