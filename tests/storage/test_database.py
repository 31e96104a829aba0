"""The store's door: URLs, placeholders, transactions, on the backend of the run."""

from __future__ import annotations

import pytest

from journeyapi.errors import Conflict
from journeyapi.storage.database import (
    UnsupportedDatabase,
    backend_of,
    open_database,
    pyformat,
    sqlalchemy_url,
)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("sqlite:///journeyapi.db", "sqlite"),
        ("postgresql://127.0.0.1:5432/test", "postgresql"),
        ("postgresql+psycopg://app:secret@db.internal/journey", "postgresql"),
    ],
)
def test_the_backend_comes_from_the_url(url: str, backend: str) -> None:
    assert backend_of(url) == backend


@pytest.mark.parametrize("url", ["mysql://db/journey", "not a url", "redis://x"])
def test_other_urls_are_refused_naming_what_works(url: str) -> None:
    with pytest.raises(UnsupportedDatabase) as raised:
        backend_of(url)

    assert str(raised.value).startswith(f"database URL {url!r} is not")
    assert "sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE" in str(raised.value)


def test_sqlalchemy_gets_the_driver_journeyapi_ships() -> None:
    assert sqlalchemy_url("postgresql://app:pw@h:5433/j") == (
        "postgresql+psycopg://app:pw@h:5433/j"
    )
    assert sqlalchemy_url("sqlite:///a.db") == "sqlite:///a.db"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM t WHERE id = :id", "SELECT * FROM t WHERE id = %(id)s"),
        ("VALUES (:a, :b_2)", "VALUES (%(a)s, %(b_2)s)"),
        ("SELECT :v::text", "SELECT %(v)s::text"),
        ("WHERE name LIKE 'a%' AND x = :x", "WHERE name LIKE 'a%%' AND x = %(x)s"),
    ],
)
def test_named_placeholders_become_the_postgresql_drivers(
    sql: str, expected: str
) -> None:
    assert pyformat(sql) == expected


def test_a_failed_transaction_leaves_nothing_and_a_duplicate_is_a_conflict(
    database_url: str,
) -> None:
    from journeyapi.storage import migrate

    migrate.upgrade(database_url)
    db = open_database(database_url)
    insert = "INSERT INTO server_keys (name, value) VALUES (:name, :value)"
    try:
        with pytest.raises(RuntimeError), db.transaction():
            db.execute(insert, {"name": "a", "value": "1"})
            raise RuntimeError("stop")
        assert db.fetch_all("SELECT name FROM server_keys WHERE name = 'a'") == []

        db.execute(insert, {"name": "b", "value": "1"})
        with pytest.raises(Conflict):
            db.execute(insert, {"name": "b", "value": "2"})
        row = db.fetch_one("SELECT value FROM server_keys WHERE name = :n", {"n": "b"})
        assert row is not None
        assert row["value"] == "1"
    finally:
        db.close()
