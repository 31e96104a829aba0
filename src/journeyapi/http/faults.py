"""Injected faults at the edge: an error answer, a delay, or a cut connection.

It sits inside the correlation-id middleware (an injected error carries the
same headers and body as a real one) and in front of everything else, so a
fault hits a request before its token is checked or its body read.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from journeyapi.errors import (
    ApiError,
    BadGateway,
    InternalServerError,
    RequestTimeout,
    ServiceUnavailable,
    TooManyRequests,
)
from journeyapi.faults.rules import FaultRule
from journeyapi.faults.service import FaultService
from journeyapi.http.context import correlation_id
from journeyapi.http.responses import error_response

FAULT_HEADER = "x-journeyapi-fault"


class FaultInjectionMiddleware:
    def __init__(self, app: ASGIApp, faults: FaultService) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.faults.strike(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return

        if rule.latency_ms:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule.drop:
            await _drop(receive, send)
            return
        if rule.status is None:
            await self.app(scope, receive, send)
            return

        response = error_response(_error_for(rule), correlation_id(scope))
        response.headers[FAULT_HEADER] = rule.id
        await response(scope, receive, send)


def _error_for(rule: FaultRule) -> ApiError:
    retry_after = rule.retry_after_seconds
    if rule.status == 429:
        return TooManyRequests(1 if retry_after is None else retry_after)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    error: ApiError
    if rule.status == 503:
        error = ServiceUnavailable(headers=headers)
    elif rule.status == 504:
        error = RequestTimeout(headers=headers)
    elif rule.status == 502:
        error = BadGateway(headers=headers)
    else:
        error = InternalServerError(headers=headers)
    return error


async def _drop(receive: Receive, send: Send) -> None:
    """Close the connection without an answer.

    ASGI has no message for that: a server answers 500 to an application that
    returns without one. uvicorn's ``receive`` belongs to the request's cycle,
    which holds the connection's transport; aborting that transport cuts the
    connection as a crashed upstream would. Under any other server the answer
    is started and then broken off, which a client sees as a connection closed
    before a complete answer.
    """
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        # Let the server see the connection is gone before this returns, so it
        # does not try to answer on it.
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-length", b"1024")],
        }
    )
    raise ConnectionAbortedError("connection dropped by an injected fault")
