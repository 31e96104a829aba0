"""Per-request values the middleware sets and the rest of the edge reads."""

from __future__ import annotations

from starlette.types import Scope

CORRELATION_KEY = "correlation_id"
# The caller's place in its rate-limit window, set by the auth dependency and
# reported in the ``inin-ratelimit-*`` headers by the middleware.
RATE_LIMIT_KEY = "rate_limit"


def correlation_id(scope: Scope) -> str:
    value = scope.get("state", {}).get(CORRELATION_KEY)
    return str(value) if value else ""
