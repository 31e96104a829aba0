"""The import benchmark in a short form: each part does all of its work."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

IMPORTS = Path(__file__).resolve().parents[2] / "bench" / "imports.py"
PARTS = (
    "CLI import (checked, stored, recorded)",
    "storing alone (DuckDB reads the file, no check)",
    "recording alone (customers and sessions, SQLite)",
)


def test_a_short_import_run_times_the_import_and_both_halves() -> None:
    finished = subprocess.run(
        [sys.executable, str(IMPORTS), "--events", "3000"],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    out = finished.stdout
    assert "3000 accepted, 0 duplicates, 0 rejected" in out
    assert "storing alone: 3000 events stored" in out
    by_import = re.search(r"CLI import: (\d+) customers, (\d+) sessions", out)
    alone = re.search(r"recording alone: (\d+) customers, (\d+) sessions", out)
    assert by_import is not None and alone is not None, out
    # Timed apart, the recording does exactly what the import's does.
    assert alone.groups() == by_import.groups()
    assert int(by_import.group(2)) > 500
    for part in PARTS:
        assert re.search(rf"^{re.escape(part)} +[\d.]+ s +[\d.]+ s", out, re.M), out
