"""Import benchmark: the CLI import against the two halves it cannot avoid.

Generates N demo journey events (default 1 million) to a JSON Lines file and
times, each on fresh files of the embedded default:

- the whole ``journeyapi events import`` in a process of its own (every line
  checked as the ingestion route checks it, the events stored, the customers
  and sessions they mention recorded);
- storing alone: DuckDB's own parallel JSON reader loading the file straight
  into the event table, with its key, and no check at all;
- recording alone: the customers and sessions the same events mention, written
  to SQLite in batches of 100,000 events as the import does.

It prints for each the wall time, the CPU time (all threads), events per second
and the import's wall time over that part's. The two halves' CPU seconds over
the machine's cores bound how fast any import doing both can be here.

    python bench/imports.py [--events 5000000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import orjson

from journeyapi.analytics.catalogue import DIMENSIONS
from journeyapi.analytics.events import COLUMNS, SCHEMA, TABLE
from journeyapi.config import Settings
from journeyapi.demo.journeys import first_events
from journeyapi.services import Services
from journeyapi.storage import migrate

_BATCH = 100_000
_WIRE = ("id", "eventType", "eventTime", "sessionId", *DIMENSIONS)


def _read_file_sql(file: Path) -> str:
    """The stored columns of every event of ``file``, read by DuckDB alone."""
    columns = ", ".join(
        f"'{name}': '{'VARCHAR[]' if name == 'journeySessionSegmentId' else 'VARCHAR'}'"
        for name in _WIRE
    )
    values = ", ".join(
        f'"{name}"::TIMESTAMPTZ::TIMESTAMP AS {column}'
        if name == "eventTime"
        else f'"{name}" AS {column}'
        for name, column in zip(_WIRE, COLUMNS, strict=True)
    )
    return (
        f"SELECT {values} FROM read_ndjson('{file}', columns = {{{columns}}},"
        " maximum_object_size = 1048576)"
    )


# (wall seconds, CPU seconds)
Timing = tuple[float, float]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli_import(file: Path, folder: Path) -> Timing:
    url = f"sqlite:///{folder}/cli.db"
    migrate.upgrade(url)
    command = [sys.executable, "-c", "from journeyapi.cli import main; main()"]
    command += ["events", "import", str(file), "--database", url, "--no-progress"]
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - started, _children_cpu() - cpu
    print(done.stdout.strip())
    services = Services.build(Settings(database_url=url))
    print(f"CLI import: {_recorded(services)}")
    services.close()
    return elapsed


def _recorded(services: Services) -> str:
    counts = [
        services.db.fetch_one(f"SELECT count(*) FROM {table}")
        for table in ("customers", "sessions")
    ]
    customers, sessions = (row[0] if row else 0 for row in counts)
    return f"{customers} customers, {sessions} sessions recorded"


def storing_alone(file: Path, folder: Path) -> Timing:
    connection = duckdb.connect(str(folder / "alone.duckdb"))
    # Event times are stored as UTC wall-clock instants.
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute(SCHEMA)
    cpu = time.process_time()
    started = time.perf_counter()
    connection.execute(f"INSERT INTO {TABLE} {_read_file_sql(file)}")
    connection.execute("CHECKPOINT")
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    stored = connection.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    print(f"storing alone: {stored[0] if stored else 0} events stored")
    connection.close()
    return elapsed


def recording_alone(file: Path, folder: Path) -> Timing:
    url = f"sqlite:///{folder}/recording.db"
    migrate.upgrade(url)
    services = Services.build(Settings(database_url=url))
    reader = duckdb.connect(":memory:")
    reader.execute("SET TimeZone = 'UTC'")
    events = reader.sql(_read_file_sql(file)).to_arrow_table()
    reader.close()
    cpu = time.process_time()
    started = time.perf_counter()
    for start in range(0, events.num_rows, _BATCH):
        services.customers.record_from_events(events.slice(start, _BATCH))
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    print(f"recording alone: {_recorded(services)}")
    services.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        file = folder / "events.jsonl"
        with file.open("wb") as handle:
            for event in first_events(args.events):
                handle.write(orjson.dumps(event) + b"\n")
        count = args.events

        whole = cli_import(file, folder)
        storing = storing_alone(file, folder)
        recording = recording_alone(file, folder)

    cores = os.cpu_count() or 1
    print(f"{count:,} demo events, {cores} cores")
    print(f"{'':<50} {'wall':>8} {'CPU':>8} {'events/s':>10} {'import/this':>12}")
    for label, (seconds, cpu) in (
        ("CLI import (checked, stored, recorded)", whole),
        ("storing alone (DuckDB reads the file, no check)", storing),
        ("recording alone (customers and sessions, SQLite)", recording),
    ):
        print(
            f"{label:<50} {seconds:>6.2f} s {cpu:>6.2f} s {count / seconds:>10,.0f}"
            f" {whole[0] / seconds:>12.2f}"
        )
    # Any import that stores and records cannot take less wall time than this.
    bound = (storing[1] + recording[1]) / cores
    print(
        f"the two halves' CPU over {cores} cores: {bound:.2f} s, at best"
        f" {count / bound:,.0f} events/s"
    )


if __name__ == "__main__":
    main()
