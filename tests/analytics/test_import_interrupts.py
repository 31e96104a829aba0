"""How an import ends when it cannot go on: Ctrl-C, or a store it cannot open."""

from __future__ import annotations

import importlib.abc
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from journeyapi import console
from journeyapi.analytics.bulk import BulkImport
from journeyapi.cli import main
from journeyapi.segments.customers import CustomerService
from journeyapi.storage.database import open_database

AGAIN = (
    "The batches before were stored; an import run again counts them as"
    " duplicates and records the customers and sessions they mention."
)


@pytest.fixture(autouse=True)
def sigint_restored() -> Iterator[None]:
    # The import stops listening to Ctrl-C while it says it was interrupted.
    previous = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, previous)


def events_file(tmp_path: Path, count: int) -> Path:
    file = tmp_path / "events.jsonl"
    lines = [
        json.dumps(
            {
                "id": f"e{n}",
                "eventType": "sessionStarted",
                "eventTime": "2020-11-02T10:00:00Z",
                "sessionId": f"s{n}",
                "journeyCustomerIdType": "cookie",
                "journeyCustomerId": f"c{n}",
            }
        )
        for n in range(count)
    ]
    file.write_text("\n".join(lines) + "\n")
    return file


def run_import(file: Path, database_url: str) -> Any:
    return CliRunner().invoke(
        main,
        ["events", "import", str(file), "--database", database_url,
         "--batch-size", "1", "--no-progress"],
    )  # fmt: skip


def interrupt_second_chunk(
    monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> list[int]:
    """Chunks after the first raise ``error``; answers the first lines seen."""
    original = BulkImport.add_chunk
    firsts: list[int] = []

    def add_chunk(self: BulkImport, first: int, chunk: bytes) -> Any:
        firsts.append(first)
        if len(firsts) > 1:
            raise error
        return original(self, first, chunk)

    monkeypatch.setattr(BulkImport, "add_chunk", add_chunk)
    return firsts


def stored(database_url: str, table: str) -> int:
    db = open_database(database_url)
    try:
        row = db.fetch_one(f"SELECT count(*) AS n FROM {table}")
    finally:
        db.close()
    assert row is not None
    return int(row["n"])


@pytest.mark.parametrize(
    "error",
    [
        KeyboardInterrupt(),
        duckdb.InterruptException("INTERRUPT Error: Interrupted!"),
        # What DuckDB makes of Ctrl-C while it reads an Arrow table.
        duckdb.InvalidInputException(
            "Invalid Input Error: counting the rows of the object registered as"
            " 'incoming_lines' failed: KeyboardInterrupt: "
        ),
    ],
    ids=["python", "duckdb", "arrow scan"],
)
def test_an_interrupted_import_says_where_it_stopped_and_keeps_what_it_stored(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
) -> None:
    file = events_file(tmp_path, 40)
    with monkeypatch.context() as patched:
        firsts = interrupt_second_chunk(patched, error)
        interrupted = run_import(file, database_url)
    again = run_import(file, database_url)

    kept = firsts[1] - 1
    assert 0 < kept < 40
    assert interrupted.exit_code == 130
    assert "Traceback" not in interrupted.output
    assert f"Interrupted after line {kept}. {AGAIN}" in interrupted.output
    assert f"{40 - kept} accepted, {kept} duplicates, 0 rejected" in again.output
    assert stored(database_url, "sessions") == 40


def test_a_ctrl_c_while_a_batch_is_recorded_lets_the_recording_finish(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = events_file(tmp_path, 3)
    record = CustomerService.record

    def pressed_meanwhile(self: CustomerService, mentions: Any) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        record(self, mentions)

    monkeypatch.setattr(CustomerService, "record", pressed_meanwhile)
    interrupted = run_import(file, database_url)

    assert interrupted.exit_code == 130, interrupted.output
    assert "Traceback" not in interrupted.output
    assert stored(database_url, "sessions") == 3


def test_an_early_ctrl_c_ends_the_command_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Pressed(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "journeyapi.cli":
                raise KeyboardInterrupt

    # The command's modules are loaded afresh, and Ctrl-C lands meanwhile.
    monkeypatch.delitem(sys.modules, "journeyapi.cli")
    monkeypatch.setattr(sys, "meta_path", [Pressed(), *sys.meta_path])
    with pytest.raises(SystemExit) as ended:
        console.main()

    assert ended.value.code == 130
    assert capsys.readouterr().err == "Interrupted.\n"


def test_an_events_database_that_is_not_duckdb_is_refused_in_one_line(
    tmp_path: Path, database_url: str
) -> None:
    file = events_file(tmp_path, 1)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.close()
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database\n")
    # DuckDB would open these as in-memory views, and lose every event.
    data = tmp_path / "more.jsonl"
    data.write_bytes(file.read_bytes())
    table = tmp_path / "table.csv"
    table.write_text("a,b\n1,2\n")
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    kept = {path: path.read_bytes() for path in (other, garbage, data, table, empty)}

    for given in kept:
        refused = CliRunner().invoke(
            main,
            ["events", "import", str(file), "--database", database_url,
             "--events-database", str(given), "--no-progress"],
        )  # fmt: skip

        assert refused.exit_code == 1
        assert refused.output == (
            f"Error: The journey event store {given} cannot be opened: it is not a"
            " DuckDB database file. Point JOURNEYAPI_EVENTS_DATABASE (or"
            " --events-database) at a DuckDB file journeyapi made, or at a path"
            " where it may make one.\n"
        )
    assert {path: path.read_bytes() for path in kept} == kept
