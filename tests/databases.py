"""Fresh databases for tests, on SQLite or on PostgreSQL.

The suite runs once per backend: ``pytest`` alone uses SQLite files, ``pytest
--backend postgresql`` gives every test its own PostgreSQL database, cloned from a
template that was migrated once, so a test costs a ``CREATE DATABASE`` rather
than a migration.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from journeyapi.storage import migrate

POSTGRES_URL_VARIABLE = "JOURNEYAPI_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://127.0.0.1:5432/test"
REQUIRE_VARIABLE = "JOURNEYAPI_REQUIRE_POSTGRES"


def postgres_server_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "") not in ("", "0")


def postgres_unreachable_reason() -> str | None:
    """Why PostgreSQL cannot be used for the tests, or None when it can."""
    import psycopg

    url = postgres_server_url()
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return (
            f"PostgreSQL is not reachable at {url} ({first_line}). To run the "
            f"PostgreSQL half of the suite, start PostgreSQL there (trust auth) or "
            f"set {POSTGRES_URL_VARIABLE} to a server where this user may create "
            "databases."
        )


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(False)


class PostgresDatabases:
    """Makes and drops the databases of one test run."""

    def __init__(self, server_url: str) -> None:
        self._server = make_url(server_url)
        self._run = uuid.uuid4().hex[:10]
        self._template: str | None = None
        self._made: list[str] = []

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(_libpq(str(self._server)), autocommit=True)

    def _url(self, name: str) -> str:
        return self._server.set(database=name).render_as_string(False)

    def new(self) -> str:
        """The URL of a new database at the newest schema."""
        if self._template is None:
            self._template = f"journeyapi_tpl_{self._run}"
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{self._template}"')
            migrate.upgrade(self._url(self._template))

        name = f"journeyapi_test_{self._run}_{len(self._made)}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        self._made.append(name)
        return self._url(name)

    def empty(self) -> str:
        """The URL of a new database with no schema at all."""
        name = f"journeyapi_empty_{self._run}_{len(self._made)}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self._made.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        if name in self._made:
            self._made.remove(name)
            with self._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        with self._admin() as admin:
            for name in [*self._made, self._template]:
                if name is not None:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._made.clear()
        self._template = None


def sqlite_url(folder: Path, name: str = "journeyapi.db") -> str:
    return f"sqlite:///{folder / name}"
