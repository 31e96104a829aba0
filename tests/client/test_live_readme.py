"""The README's client example runs as written and prints what the README says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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
