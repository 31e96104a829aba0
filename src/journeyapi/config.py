"""Typed settings, read from ``JOURNEYAPI_*`` environment variables and CLI flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    # Rate limiting, per access token, in fixed one-minute windows.
    rate_limit_per_minute: int = Field(
        default=300,
        ge=0,
        description="Requests one token may make per minute; 0 turns the limit off.",
    )
    rate_limit_store: Literal["auto", "memory", "database"] = Field(
        default="auto",
        description=(
            "Where the counters live: auto is the database on PostgreSQL (shared by"
            " every server process) and memory on SQLite (one process)."
        ),
    )

    # Request limits, checked before a request reaches its route.
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    max_json_depth: int = Field(default=32, ge=1)
    max_path_parameter_length: int = Field(default=256, ge=1)
    # Limits the areas apply to their own bodies (see journeyapi.limits).
    max_string_length: int = Field(default=1000, ge=1)
    max_aggregate_views: int = Field(default=10, ge=1)
    max_aggregate_group_by: int = Field(default=10, ge=1)
    max_aggregate_predicates: int = Field(default=50, ge=1)
    aggregate_query_timeout_seconds: float = Field(default=30.0, gt=0)

    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Origins a browser may call the API from, comma-separated; none means"
            " no CORS headers at all."
        ),
    )

    faults_file: Path | None = Field(
        default=None, description="A YAML or JSON file of faults to inject."
    )
    fault_refresh_seconds: float = Field(
        default=1.0,
        ge=0,
        description="How often a server process re-reads the faults table.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        # Raises UnsupportedDatabase, a ValueError, which names what is allowed.
        backend_of(value)
        return value

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
