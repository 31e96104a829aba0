"""The README's client example runs as written and prints what the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from journeyapi.demo.journeys import journey_events
from tests.analytics import reference
from tests.client.conftest import RunningServer

pytestmark = pytest.mark.conformance

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def block_after(marker: str) -> str:
    found = re.search(
        rf"<!-- {marker} -->\n```[a-z]*\n(.*?)```", README, flags=re.DOTALL
    )
    assert found is not None, marker
    return found.group(1)


def test_the_client_example_prints_what_the_readme_shows(
    server: RunningServer,
) -> None:
    script = block_after("client-example")
    assert 'base_url="http://127.0.0.1:8080"' in script
    script = script.replace("http://127.0.0.1:8080", server.base_url)

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == block_after("client-example-output")


def test_the_example_figures_are_the_independent_count() -> None:
    query = {
        "interval": "2020-11-02T00:00:00Z/2020-11-30T00:00:00Z",
        "groupBy": ["journeyDeviceCategory"],
        "metrics": ["nJourneySessions", "nWebActionsEngaged"],
    }
    script = block_after("client-example")
    assert f'"interval": "{query["interval"]}"' in script
    assert repr(query["metrics"])[1:-1].replace("'", '"') in script

    answer = reference.evaluate(query, list(journey_events()))

    lines = [
        f"{result['group']} "
        + repr({m["metric"]: m["stats"]["count"] for m in result["data"][0]["metrics"]})
        for result in answer["results"]
    ]
    assert block_after("client-example-output").splitlines()[-3:] == lines
