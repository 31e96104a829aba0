"""``journeyapi check`` reports, changes nothing, and fails with a reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from journeyapi.cli import main
from journeyapi.storage import migrate


def check(database: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--database", database])
    return result.exit_code, result.output.splitlines()


def test_a_ready_database_passes_every_step(database_url: str, backend: str) -> None:
    migrate.upgrade(database_url)

    code, lines = check(database_url)

    assert code == 0
    assert lines[0] == f"ok   settings: database {database_url}, port 8080"
    assert lines[1] == f"ok   database reachable: {backend}"
    assert lines[2] == f"ok   schema up to date: revision {migrate.head_revision()}"
    assert lines[3].startswith("ok   clock: ")
    assert len(lines) == 4


def test_a_missing_sqlite_file_fails_and_is_not_made(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"

    code, lines = check(str(path))

    assert code == 1
    assert lines[-1] == (
        f"FAIL database reachable: there is no database file at {path}; run "
        "`journeyapi db upgrade --database URL` to make one"
    )
    assert not path.exists()


def test_an_old_schema_fails_naming_the_upgrade_command(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()

    code, lines = check(str(path))

    assert code == 1
    assert lines[-1] == (
        "FAIL schema up to date: the schema is at revision none, this release "
        f"needs {migrate.head_revision()}; run `journeyapi db upgrade --database URL`"
    )
    assert migrate.current_revision(f"sqlite:///{path}") is None


def test_an_unreachable_postgresql_fails_with_the_drivers_reason() -> None:
    code, lines = check("postgresql://127.0.0.1:1/none")

    assert code == 1
    assert lines[-1].startswith("FAIL database reachable: cannot connect: ")
    assert "127.0.0.1" in lines[-1]


def test_an_unsupported_url_fails_at_the_settings_step() -> None:
    code, lines = check("mysql://db/journey")

    assert code == 1
    assert lines == [
        "FAIL settings: database_url: Value error, database URL 'mysql://db/journey'"
        " is not supported; use sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE"
    ]
