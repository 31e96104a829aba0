"""Per-request values the middleware sets and the rest of the edge reads."""

from __future__ import annotations

from starlette.types import Scope

CORRELATION_KEY = "correlation_id"


def correlation_id(scope: Scope) -> str:
    value = scope.get("state", {}).get(CORRELATION_KEY)
    return str(value) if value else ""
