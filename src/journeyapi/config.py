"""Typed settings, read from ``JOURNEYAPI_*`` environment variables and CLI flags."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///journeyapi.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOURNEYAPI_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="Where the transactional data lives (SQLAlchemy-style URL).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    token_lifetime_seconds: int = Field(
        default=86400,
        ge=300,
        le=172800,
        description="Lifetime of an access token unless its client says otherwise.",
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
        if not value.startswith("sqlite:"):
            raise ValueError(
                f"database URL {value!r} is not supported; use sqlite:///PATH "
                "(for example sqlite:///journeyapi.db)"
            )
        return value
