"""The migrations build exactly the schema the code declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from journeyapi.storage import migrate
from journeyapi.storage.database import sqlalchemy_url
from journeyapi.storage.tables import metadata
from tests.databases import PostgresDatabases


def test_an_empty_database_upgrades_to_head_matching_the_tables(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"

    migrate.upgrade(url)

    assert migrate.current_revision(url) == migrate.head_revision()
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    migrate.upgrade(url)

    migrate.upgrade(url)

    assert migrate.current_revision(url) == migrate.head_revision()


def test_the_database_file_is_in_wal_mode(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "wal.db"
    migrate.upgrade(f"sqlite:///{path}")

    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_an_empty_postgresql_database_upgrades_to_head_matching_the_tables(
    backend: str, request: pytest.FixtureRequest
) -> None:
    if backend != "postgresql":
        pytest.skip("runs in the PostgreSQL half of the suite (--backend postgresql)")
    made: PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.empty()

    migrate.upgrade(url)
    migrate.upgrade(url)

    assert migrate.current_revision(url) == migrate.head_revision()
    engine = create_engine(sqlalchemy_url(url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []
    made.drop(url)
