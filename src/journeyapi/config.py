"""Typed settings, read from ``JOURNEYAPI_*`` environment variables and CLI flags."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from journeyapi.storage.database import backend_of

DEFAULT_DATABASE_URL = "sqlite:///journeyapi.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOURNEYAPI_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description=(
            "Where the data lives: sqlite:///PATH or postgresql://USER@HOST/DB."
        ),
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    token_lifetime_seconds: int = Field(
        default=86400,
        ge=300,
        le=172800,
        description="Lifetime of an access token unless its client says otherwise.",
    )
    events_database: str | None = Field(
        default=None,
        description=(
            "The DuckDB file of the journey events; by default beside the SQLite"
            " file (journeyapi.db -> journeyapi.events.duckdb)."
        ),
    )
    events_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Threads one aggregate query may use (1 leaves cores for HTTP).",
    )
    events_relay_interval_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often the outbox relay moves journey events to DuckDB.",
    )
    aggregate_max_interval_days: int = Field(
        default=366, ge=1, description="The longest interval an aggregate query takes."
    )
    expiry_sweep_seconds: float = Field(
        default=60,
        ge=0,
        description=(
            "How often the server writes lapsed segment assignments down as"
            " unassigned; 0 turns the sweep off (reads are right either way)."
        ),
    )
    max_segment_assignments_per_request: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Most items one assign/unassign request may carry.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    access_log: bool = True

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        # Raises UnsupportedDatabase, a ValueError, which names what is allowed.
        backend_of(value)
        return value
