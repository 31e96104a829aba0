"""Alembic's entry point: runs the migrations on the connection it is handed."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from journeyapi.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as opened:
        context.configure(connection=opened, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
