"""Aggregate query benchmark: the engine against hand-written SQL on DuckDB.

Generates N demo journey events (default 1 million) to a JSON Lines file,
imports them with ``journeyapi events import`` in a process of its own (and
reports events per second and that process's peak memory), then
runs a fixed set of queries through the engine and through hand-written SQL
giving the same numbers, and prints each one's median latency and the ratio.
The machine may be shared: absolute figures are noisy, ratios in one run count.

    python bench/aggregates.py [--events 10000000] [--repeat 7]
        [--database postgresql://127.0.0.1:5432/bench [--reuse]]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from journeyapi.analytics.compiler import compile_query
from journeyapi.analytics.query import validate
from journeyapi.config import Settings
from journeyapi.demo.journeys import first_events
from journeyapi.models.analytics import JourneyAggregationQuery
from journeyapi.services import Services
from journeyapi.storage import migrate

WEEK = "2020-11-09T00:00:00Z/2020-11-16T00:00:00Z"
STANDARD: dict[str, Any] = {
    "interval": WEEK,
    "granularity": "P1D",
    "timeZone": "Europe/London",
    "groupBy": ["journeyDeviceCategory", "journeyActionMapId"],
    "metrics": [
        "nJourneySessions",
        "nWebActionsQualified",
        "nWebActionsOffered",
        "nWebActionsAccepted",
        "nWebActionsEngaged",
    ],
    "filter": {
        "type": "and",
        "predicates": [{"dimension": "journeySessionType", "value": "web"}],
    },
}
HOURLY = {**STANDARD, "granularity": "PT1H"}
WHOLE = {k: v for k, v in STANDARD.items() if k != "granularity"}

TYPES = (
    "'sessionStarted', 'webActionQualified', 'webActionOffered',"
    " 'webActionAccepted', 'webActionEngaged'"
)
COUNTS = ", ".join(
    f"count(*) FILTER (WHERE event_type = '{kind}')"
    for kind in (
        "sessionStarted",
        "webActionQualified",
        "webActionOffered",
        "webActionAccepted",
        "webActionEngaged",
    )
)
WHERE = (
    "event_time >= TIMESTAMP '2020-11-09 00:00:00'"
    " AND event_time < TIMESTAMP '2020-11-16 00:00:00'"
    f" AND event_type IN ({TYPES}) AND journey_session_type = 'web'"
)
# London is on GMT all that week, so local midnights are UTC midnights.
DAILY_CASE = (
    "CASE "
    + " ".join(
        f"WHEN event_time < TIMESTAMP '2020-11-{day:02d} 00:00:00' THEN {day - 10}"
        for day in range(10, 16)
    )
    + " ELSE 6 END"
)
HAND_WRITTEN = {
    "standard (7 days, P1D Europe/London, 2 groupBy, 5 metrics, 1 filter)": (
        STANDARD,
        f"SELECT journey_device_category, journey_action_map_id, {DAILY_CASE} AS b,"
        f" {COUNTS} FROM journey_events WHERE {WHERE} GROUP BY 1, 2, 3",
    ),
    "hourly (same, PT1H)": (
        HOURLY,
        "SELECT journey_device_category, journey_action_map_id,"
        " {hour} AS b,"
        f" {COUNTS} FROM journey_events WHERE {WHERE} GROUP BY 1, 2, 3",
    ),
    "no granularity (same, one bucket)": (
        WHOLE,
        f"SELECT journey_device_category, journey_action_map_id, {COUNTS}"
        f" FROM journey_events WHERE {WHERE} GROUP BY 1, 2",
    ),
}

# The hour of the week each event falls in, as each database spells it best.
HOUR = {
    "duckdb": (
        "(epoch_us(event_time) - epoch_us(TIMESTAMP '2020-11-09 00:00:00'))"
        " // 3600000000"
    ),
    # floor, not a cast: a cast to bigint rounds 00:59:59.7 up into the next hour.
    "postgresql": (
        "floor(extract(epoch FROM event_time - TIMESTAMP '2020-11-09 00:00:00') / 3600)"
    ),
}


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    run()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def import_with_cli(file: Path, database: str) -> None:
    """``journeyapi events import`` in a process of its own: speed and peak RSS."""
    command = [sys.executable, "-c", "from journeyapi.cli import main; main()"]
    command += ["events", "import"]
    command += [str(file), "--database", database, "--no-progress"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = sum(1 for _ in file.open("rb"))
    print(done.stdout.strip())
    print(
        f"import (CLI, own process): {lines:,} events in {elapsed:.1f} s ="
        f" {lines / elapsed:,.0f} events/s; peak RSS"
        f" {max(peak, before) / 1024:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--database",
        help=(
            "a postgresql:// URL of an empty database to fill and query instead"
            " of the embedded default (its events are left there)"
        ),
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="query the events an earlier run left in --database; import none",
    )
    args = parser.parse_args()
    if args.reuse and not args.database:
        parser.error("--reuse needs --database")

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/bench.db"
        if not args.reuse:
            file = Path(folder) / "events.jsonl"
            started = time.perf_counter()
            with file.open("wb") as handle:
                for event in first_events(args.events):
                    handle.write(orjson.dumps(event) + b"\n")
            elapsed = time.perf_counter() - started
            print(f"generated {args.events:,} events in {elapsed:.1f} s")
            migrate.upgrade(url)
            import_with_cli(file, url)
        services = Services.build(
            Settings(database_url=url, events_threads=args.threads)
        )
        backend = "postgresql" if url.startswith("postgresql") else "duckdb"
        print(f"event store: {backend}")

        engine = services.analytics.engine
        database = services.analytics.event_database
        print(
            "engine: the whole path of the route's answer (validate the body,"
            " compile, run the SQL, shape the rows into the JSON body);"
            " engine SQL: its SQL alone; hand SQL: the bare hand-written SQL,"
            " rows fetched, nothing shaped. ratio = engine / hand SQL."
        )
        print(
            f"{'query':<70} {'engine':>9} {'eng. SQL':>9} {'hand SQL':>9}"
            f" {'ratio':>6} groups cells"
        )
        for name, (body, template) in HAND_WRITTEN.items():
            sql = template.replace("{hour}", HOUR[backend])
            model = JourneyAggregationQuery.model_validate(body)
            compiled = compile_query(validate(model), engine.dialect)
            answer = orjson.loads(engine.run(validate(model)).to_json())
            with database.cursor() as cursor:
                hand_rows = cursor.execute(sql).fetchall()
                hand = median_seconds(
                    lambda sql=sql: cursor.execute(sql).fetchall(), args.repeat
                )
                engine_sql = median_seconds(
                    lambda c=compiled: cursor.execute(c.sql, c.params).fetchall(),
                    args.repeat,
                )
            ours = median_seconds(
                lambda body=body: engine.run(
                    validate(JourneyAggregationQuery.model_validate(body))
                ).to_json(),
                args.repeat,
            )
            results = answer.get("results", [])
            cells = sum(len(result["data"]) for result in results)
            assert cells == len(hand_rows), (cells, len(hand_rows))
            print(
                f"{name:<70} {ours * 1000:>7.1f}ms {engine_sql * 1000:>7.1f}ms"
                f" {hand * 1000:>7.1f}ms {ours / hand:>6.2f} {len(results):>6}"
                f" {cells:>5}"
            )
        services.close()


if __name__ == "__main__":
    main()
