"""``journeyapi events``: import journey events in bulk, generate demo events."""

from __future__ import annotations

import codecs
import os
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import click
import duckdb
import orjson
from tqdm import tqdm

from journeyapi.analytics.bulk import BulkImport
from journeyapi.analytics.events import IngestResult, Rejection
from journeyapi.analytics.service import AnalyticsService
from journeyapi.cli import database_option, opened
from journeyapi.demo.journeys import SEED, first_events
from journeyapi.storage.eventdb import EventDatabase


@click.group("events")
def events() -> None:
    """Journey events: the data behind the aggregate queries."""


def _events_database_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--events-database",
        envvar="JOURNEYAPI_EVENTS_DATABASE",
        default=None,
        help=(
            "The DuckDB file of the events (default: beside the SQLite file)."
            " Env: JOURNEYAPI_EVENTS_DATABASE."
        ),
    )(command)


_AGAIN = (
    "The batches before were stored; an import run again counts them as"
    " duplicates and records the customers and sessions they mention."
)


def _memory_limit(ctx: click.Context, param: click.Parameter, value: str) -> str:
    # Read by DuckDB itself, before any file is opened. To DuckDB a negative
    # amount means no limit at all.
    if value.strip().startswith("-") or not _duckdb_reads(value):
        raise click.BadParameter(
            f"{value!r} is not an amount of memory such as 256MB or 2GB"
        )
    return value


def _duckdb_reads(memory_limit: str) -> bool:
    probe = duckdb.connect(":memory:")
    try:
        probe.execute("SET memory_limit = $limit", {"limit": memory_limit})
    except duckdb.Error:
        return False
    finally:
        probe.close()
    return True


@events.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_option
@_events_database_option
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1_000_000),
    default=100_000,
    show_default=True,
    help=(
        "How much is checked and written together: N x 512 bytes, ended at a"
        " line end (about N demo events)."
    ),
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Threads DuckDB may use for the import (default: every core).",
)
@click.option(
    "--memory-limit",
    default="256MB",
    show_default=True,
    callback=_memory_limit,
    help=(
        "Memory the embedded event store (DuckDB) may hold during the import;"
        " more data is written to its file instead. Not used on PostgreSQL."
    ),
)
@click.option("--progress/--no-progress", default=True, show_default=True)
def import_events(
    file: Path,
    database: str,
    events_database: str | None,
    batch_size: int,
    threads: int | None,
    memory_limit: str,
    progress: bool,
) -> None:
    """Import journey events from a JSON Lines file, one event per line.

    The file is read in batches, so memory stays bounded for any size. An event
    whose id is already stored is counted as a duplicate, so an import run
    twice counts once. Refused lines are reported by line number and reason;
    the good lines are kept. The server must not be running on the same files
    (a DuckDB file opens read-write in one process only).
    """
    started = time.perf_counter()
    tally = _Tally()
    try:
        _import(
            file, database, events_database, batch_size * 512, threads,
            memory_limit, progress, tally,
        )  # fmt: skip
    except KeyboardInterrupt:
        # Said once, however often Ctrl-C is pressed while it is said.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        click.echo(f"\nInterrupted after line {tally.read}. {_AGAIN}", err=True)
        sys.exit(130)

    elapsed = time.perf_counter() - started
    events_read = tally.accepted + tally.duplicates + tally.rejected
    click.echo(
        f"Imported {file}: {tally.accepted} accepted, {tally.duplicates} duplicates,"
        f" {tally.rejected} rejected ({tally.read} lines in {elapsed:.1f} s,"
        f" {events_read / elapsed if elapsed else 0:,.0f} events/s)."
    )


@dataclass
class _Tally:
    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0

    def add(self, found: IngestResult) -> None:
        self.accepted += found.accepted
        self.duplicates += found.duplicates
        self.rejected += len(found.rejected)


def _import(
    file: Path,
    database: str,
    events_database: str | None,
    batch_bytes: int,
    threads: int | None,
    memory_limit: str,
    progress: bool,
    tally: _Tally,
) -> None:
    with opened(database) as services:
        analytics = services.analytics
        if events_database:
            analytics = AnalyticsService(
                services.db,
                services.settings.model_copy(
                    update={"events_database": events_database}
                ),
            )
        try:
            importer = analytics.line_import(overlap=True, threads=threads)
            if isinstance(analytics.event_database, EventDatabase):
                _tune_for_import(analytics.event_database, threads, memory_limit)
            try:
                _read_into(importer, file, batch_bytes, progress, tally)
            finally:
                # Interrupted or not, the batch in flight is recorded in full.
                importer.finish()
        except duckdb.OutOfMemoryException:
            raise click.ClickException(
                f"DuckDB needed more memory than --memory-limit {memory_limit} allows"
                " (for a batch, or one very long line): run the import again with a"
                f" higher limit, such as --memory-limit 1GB. {_AGAIN}"
            ) from None
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None
        except (RuntimeError, duckdb.InvalidInputException) as exc:
            # An interrupt inside DuckDB's reading of an Arrow table comes out
            # as one of these, saying so.
            if not _interrupted(exc):
                raise
            raise KeyboardInterrupt from None
        except sqlite3.OperationalError as exc:
            raise click.ClickException(
                f"the database could not be written ({exc}); is another process"
                f" holding it? {_AGAIN}"
            ) from None
        finally:
            if analytics is not services.analytics:
                analytics.close()


def _tune_for_import(
    database: EventDatabase, threads: int | None, memory_limit: str
) -> None:
    # An import is a batch job: unlike a query in the server, it may use every
    # core. Its progress is the bar of the import, not DuckDB's own.
    connection = database.connection()
    connection.execute(f"SET threads = {threads or os.cpu_count() or 1}")
    connection.execute("SET enable_progress_bar = false")
    # The store's index and caches would otherwise grow with the file.
    connection.execute("SET memory_limit = $limit", {"limit": memory_limit})


def _read_into(
    importer: BulkImport, file: Path, batch_bytes: int, progress: bool, tally: _Tally
) -> None:
    with (
        file.open("rb") as handle,
        tqdm(
            total=file.stat().st_size,
            unit="B",
            unit_scale=True,
            disable=not progress,
            file=sys.stderr,
        ) as bar,
    ):
        # About this many bytes at once, completed to the end of a line.
        while chunk := handle.read(batch_bytes):
            chunk += handle.readline()
            if tally.read == 0 and chunk.startswith(codecs.BOM_UTF8):
                # Some editors begin a UTF-8 file with a byte order mark.
                chunk = chunk[len(codecs.BOM_UTF8) :]
            found = importer.add_chunk(tally.read + 1, chunk)
            tally.read += chunk.count(b"\n") + (not chunk.endswith(b"\n"))
            for rejection in sorted(found.rejected, key=_by_line):
                bar.write(f"line {rejection.source}: {rejection.reason}")
            tally.add(found)
            bar.update(len(chunk))


def _interrupted(error: Exception) -> bool:
    text = str(error)
    return "KeyboardInterrupt" in text or "interrupted" in text.lower()


def _by_line(rejection: Rejection) -> int:
    return rejection.source


@events.command("generate")
@click.argument("count", type=click.IntRange(0))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--seed", type=int, default=SEED, show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
def generate_events(count: int, file: Path, seed: int, progress: bool) -> None:
    """Write COUNT demo journey events to FILE as JSON Lines (for benchmarks)."""
    try:
        _write_events(count, file, seed, progress)
    except OSError as exc:
        # click.Path cannot tell that the folder is missing: only open can.
        raise click.ClickException(
            f"cannot write {file}: {exc.strerror or exc}"
        ) from None
    click.echo(f"Wrote {count} journey events to {file}.")


def _write_events(count: int, file: Path, seed: int, progress: bool) -> None:
    with (
        file.open("wb") as handle,
        tqdm(total=count, unit="ev", disable=not progress, file=sys.stderr) as bar,
    ):
        chunk: list[bytes] = []
        for event in first_events(count, seed=seed):
            chunk.append(orjson.dumps(event))
            if len(chunk) >= 10_000:
                handle.write(b"\n".join(chunk) + b"\n")
                bar.update(len(chunk))
                chunk = []
        if chunk:
            handle.write(b"\n".join(chunk) + b"\n")
            bar.update(len(chunk))
