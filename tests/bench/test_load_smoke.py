"""The load benchmark in a short form: every operation answered, no errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load.py"
OPERATIONS = (
    "GET actiontarget",
    "GET actiontargets",
    "GET contact segments",
    "GET customer segments",
    "GET session segments",
    "PATCH actiontarget",
    "POST aggregates query",
    "POST contact segments",
)


def test_a_short_load_run_answers_every_operation_without_errors(
    database_url: str,
) -> None:
    finished = subprocess.run(
        [sys.executable, str(LOAD), "--clients", "20", "--duration", "3"]
        + ["--database", database_url],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    lines = finished.stdout.splitlines()
    for operation in OPERATIONS:
        row = next(line for line in lines if line.startswith(operation + " "))
        count = int(row[len(operation) :].split()[0])
        assert count > 0, row
    assert "errors: 0" in lines
    assert "429 (rate limited): 0" in lines
    throughput = re.search(r"throughput: (\d+) successful", finished.stdout)
    assert throughput is not None and int(throughput.group(1)) > 0
