"""Schema upgrades through Alembic, callable from the server and the CLI."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from journeyapi.storage.database import sqlalchemy_url

MIGRATION_LOCK_KEY = 0x6A6F75726E6D67


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "journeyapi.storage:migrations")
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url))
    return config


def _engine(url: str) -> Engine:
    engine = create_engine(sqlalchemy_url(url))
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _wal(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

    return engine


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest schema; a no-op when it is."""
    config = _config(url)
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # Several processes starting at once upgrade one at a time; the
                # later ones find the schema at head and do nothing.
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": MIGRATION_LOCK_KEY},
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config("sqlite://")).get_current_head()
