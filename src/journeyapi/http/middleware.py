"""The outermost layer: correlation ids, standard and security headers, the
rate-limit headers, and the last-resort 500.

Written as plain ASGI rather than Starlette's BaseHTTPMiddleware, which costs a
task and a stream per request on the hot path.
"""

from __future__ import annotations

import logging
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeyapi.auth.ratelimit import RateDecision
from journeyapi.errors import InternalServerError
from journeyapi.http.context import CORRELATION_KEY, RATE_LIMIT_KEY
from journeyapi.http.responses import error_body

logger = logging.getLogger(__name__)

CORRELATION_HEADER = b"inin-correlation-id"
# An id the caller sends is echoed only when it is a plain token, so that it
# cannot smuggle anything into a header or a log line.
_ECHOABLE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

_STANDARD_HEADERS = [
    (b"cache-control", b"no-cache, no-store, must-revalidate"),
    (b"pragma", b"no-cache"),
    (b"expires", b"0"),
    # No sniffing a JSON answer into something a browser would run, no framing
    # (clickjacking of the docs page), and no URLs leaked to other sites.
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
]


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        correlation_id = _correlation_id(scope)
        state = scope.setdefault("state", {})
        state[CORRELATION_KEY] = correlation_id
        header = (b"ININ-Correlation-Id", correlation_id.encode())
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    header,
                    *_STANDARD_HEADERS,
                    *_rate_limit_headers(state.get(RATE_LIMIT_KEY)),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # The one place an unexpected exception is logged; the caller sees
            # only the generic body, never the traceback or the SQL.
            logger.exception(
                "Unhandled error in %s %s (correlation id %s)",
                scope.get("method"),
                scope.get("path"),
                correlation_id,
            )
            if started:
                raise
            body = error_body(InternalServerError(), correlation_id).to_json()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


def _rate_limit_headers(decision: RateDecision | None) -> list[tuple[bytes, bytes]]:
    if decision is None:
        return []
    return [
        (b"inin-ratelimit-count", str(decision.count).encode()),
        (b"inin-ratelimit-allowed", str(decision.allowed).encode()),
        (b"inin-ratelimit-reset", str(decision.reset_seconds).encode()),
    ]


def _correlation_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == CORRELATION_HEADER and _ECHOABLE.fullmatch(value):
            return str(value.decode())
    return str(uuid.uuid4())
