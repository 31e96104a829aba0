"""``journeyapi check``: is this configuration ready to serve?"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from journeyapi.cli import database_option, database_url
from journeyapi.config import Settings
from journeyapi.models.common import first_problem
from journeyapi.storage import migrate
from journeyapi.storage.database import (
    SqliteDatabase,
    UnsupportedDatabase,
    open_database,
)

# How far the database server's clock may be from this host's. Expiry and token
# lifetimes are decided by the host, so a larger gap makes hosts disagree.
MAX_CLOCK_SKEW_SECONDS = 5.0

# No real clock reads earlier than this release was made.
EARLIEST_SANE_INSTANT = datetime(2026, 1, 1, tzinfo=UTC)


class CheckFailed(Exception):
    pass


@click.command()
@database_option
def check(database: str) -> None:
    """Check the settings and the database; exit 1 when something is wrong.

    Nothing is changed: an old schema is reported, not upgraded.
    """
    url = database_url(database)
    steps: list[tuple[str, Callable[[], str]]] = [
        ("settings", lambda: _settings(url)),
        ("database reachable", lambda: _reachable(url)),
        ("schema up to date", lambda: _migrated(url)),
        ("clock", lambda: _clock(url)),
    ]

    failed = False
    for name, step in steps:
        try:
            detail = step()
        except CheckFailed as exc:
            click.echo(f"FAIL {name}: {exc}")
            failed = True
            # The later steps need the database the failed one could not reach.
            break
        click.echo(f"ok   {name}: {detail}")

    if failed:
        raise SystemExit(1)


def _settings(url: str) -> str:
    try:
        settings = Settings(database_url=url)
    except ValidationError as exc:
        raise CheckFailed(first_problem(exc)) from exc
    return f"database {settings.database_url}, port {settings.port}"


def _reachable(url: str) -> str:
    try:
        db = open_database(url)
    except UnsupportedDatabase as exc:
        raise CheckFailed(str(exc)) from exc
    if isinstance(db, SqliteDatabase) and not Path(db.path).is_file():
        # Opening it would make an empty one, and check changes nothing.
        raise CheckFailed(
            f"there is no database file at {db.path}; run "
            "`journeyapi db upgrade --database URL` to make one"
        )
    try:
        db.fetch_one("SELECT 1 AS one")
    except Exception as exc:
        raise CheckFailed(f"cannot connect: {_first_line(exc)}") from exc
    finally:
        db.close()
    return db.backend


def _migrated(url: str) -> str:
    try:
        current = migrate.current_revision(url)
    except Exception as exc:
        raise CheckFailed(f"cannot read the schema: {_first_line(exc)}") from exc
    head = migrate.head_revision()
    if current != head:
        raise CheckFailed(
            f"the schema is at revision {current or 'none'}, this release needs "
            f"{head}; run `journeyapi db upgrade --database URL`"
        )
    return f"revision {head}"


def _clock(url: str) -> str:
    now = datetime.now(UTC)
    if now < EARLIEST_SANE_INSTANT:
        raise CheckFailed(f"this host's clock reads {now.isoformat()}, before 2026")

    db = open_database(url)
    try:
        if db.backend != "postgresql":
            return "this host's clock (the database shares it)"
        before = time.time()
        row = db.fetch_one("SELECT extract(epoch FROM clock_timestamp()) AS now")
        after = time.time()
    finally:
        db.close()
    assert row is not None
    skew = float(row["now"]) - (before + after) / 2
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
        raise CheckFailed(
            f"the database's clock is {skew:+.1f} s from this host's (at most "
            f"{MAX_CLOCK_SKEW_SECONDS:.0f} s allowed); synchronise both with NTP"
        )
    return f"database and host agree within {abs(skew):.3f} s"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
