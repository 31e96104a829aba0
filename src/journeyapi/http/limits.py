"""Request limits checked before a request reaches its route: body size, nesting.

A body is read in full (up to the limit) before the route sees it, so that an
oversized one is refused with 413 whether or not it announced its length, and a
JSON body nested past the limit is refused with 400 before any parser recurses
into it. Requests without a body pass straight through.
"""

from __future__ import annotations

import json
import re

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeyapi.errors import ApiError, BadRequest, RequestEntityTooLarge
from journeyapi.http.context import correlation_id
from journeyapi.http.responses import error_response
from journeyapi.limits import JsonTooDeep, Limits, check_strings, json_depth_exceeds

# A \u escape no store can hold: NUL, or a UTF-16 surrogate, high (d800-dbff) or
# low (dc00-dfff). One pass over the body finds either.
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


class RequestLimitsMiddleware:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared, chunked, json_like = _body_headers(scope)
        if declared is None and not chunked:
            await self.app(scope, receive, send)
            return
        if declared is not None and declared < 0:
            await _refuse(BadRequest(), scope, receive, send)
            return
        if declared is not None and declared > self.limits.body_bytes:
            await _refuse(
                RequestEntityTooLarge(self.limits.body_bytes), scope, receive, send
            )
            return

        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                # The caller went away; there is nobody to answer.
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.body_bytes:
                await _refuse(
                    RequestEntityTooLarge(self.limits.body_bytes), scope, receive, send
                )
                return
            chunks.append(chunk)
            more = message.get("more_body", False)

        body = b"".join(chunks)
        problem = _json_problem(body, self.limits) if json_like else None
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _json_problem(body: bytes, limits: Limits) -> ApiError | None:
    """Why a JSON body is refused before its route sees it, if it is."""
    if json_depth_exceeds(body, limits.json_depth):
        return JsonTooDeep(limits.json_depth)

    # A body shorter than the limit cannot hold a string longer than it, and
    # one without an escaped NUL or surrogate holds neither (JSON text cannot
    # carry a raw one): most bodies are answered by these looks. A body that
    # is not JSON is left for the route, which says so.
    escapes = _UNSTORABLE_ESCAPE.search(body) is not None
    if len(body) <= limits.string_length and not escapes:
        return None
    try:
        document = _parsed(body, escapes)
    except ValueError:
        return None
    try:
        check_strings(document, limits.string_length)
    except ApiError as error:
        return error
    return None


def _parsed(body: bytes, escapes: bool) -> object:
    if not escapes:
        return orjson.loads(body)
    # orjson refuses a lone surrogate outright, but the route's parser reads
    # it into the string: parse as the route does, to name the field.
    return json.loads(body)


def _body_headers(scope: Scope) -> tuple[int | None, bool, bool]:
    """Declared length (-1: unreadable), whether chunked, whether JSON or unsaid."""
    declared: int | None = None
    chunked = False
    json_like = True
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                declared = -1
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            json_like = media == b"application/json" or media.endswith(b"+json")
    if declared == 0:
        return None, False, json_like
    return declared, chunked, json_like


async def _refuse(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await error_response(error, correlation_id(scope))(scope, receive, send)
