"""What routes declare they need: the caller's permissions, a JSON body, services.

A route states the permissions it needs once, in its signature, as a parameter
``caller: Annotated[Caller, requires(...)]``; no handler checks permissions
itself. The same dependency counts the request against its token's rate limit
(after the token is known, before the permission is checked: a refused request
counts too) and refuses path parameters longer than the limit. The caller
carries the services too: every dependency the framework solves costs tens of
microseconds per request, so the hot routes take just one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from journeyapi.auth.service import Principal
from journeyapi.errors import (
    InvalidValue,
    NotFound,
    TooManyRequests,
    UnsupportedMediaType,
)
from journeyapi.http.context import RATE_LIMIT_KEY
from journeyapi.limits import NO_NUL
from journeyapi.services import Services


def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


@dataclass(frozen=True)
class Caller:
    """An authenticated caller, and the services its request may use."""

    principal: Principal
    services: Services


def requires(*any_of: str) -> Any:
    """A dependency that admits callers holding at least one of ``any_of``."""

    # A coroutine on purpose: the framework runs plain-function dependencies in
    # a worker thread, a hop that costs more than the work here.
    async def check(request: Request) -> Caller:
        services = services_of(request)
        principal = services.auth.authenticate(_bearer_token(request))

        decision = services.rate_limiter.hit(principal.token_hash)
        if decision is not None:
            request.scope.setdefault("state", {})[RATE_LIMIT_KEY] = decision
            if decision.exceeded:
                raise TooManyRequests(decision.reset_seconds)

        principal.require_any(*any_of)

        # No id of any kind is this long or holds NUL, so nothing with it can
        # be found (and PostgreSQL could not even be asked: text holds no NUL).
        longest = services.limits.path_parameter_length
        for value in request.path_params.values():
            if len(value) > longest or "\x00" in value:
                raise NotFound()
        _check_query(request)
        return Caller(principal, services)

    return Depends(check)


def _check_query(request: Request) -> None:
    """Every query parameter of the API takes one value, without NUL.

    The framework would quietly keep the last of ``?pageSize=1&pageSize=2``;
    a caller who sent two values is told instead.
    """
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        if name in seen:
            given = request.query_params.getlist(name)
            raise InvalidValue(name, ", ".join(given), "one value")
        seen.add(name)
        if "\x00" in value:
            raise InvalidValue(name, value.replace("\x00", "\\u0000"), NO_NUL)


def _bearer_token(request: Request) -> str | None:
    # Read directly rather than through the framework's HTTPBearer: that is one
    # more dependency to solve on every request. The OpenAPI document declares
    # the scheme instead (see journeyapi.http.openapi).
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def _json_content(request: Request) -> None:
    # A body without a Content-Type is read as JSON; a body that says it is
    # something else is refused rather than guessed at.
    content_type = request.headers.get("content-type")
    if content_type is None:
        return
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType()


json_content = Depends(_json_content)


def _digits_only(value: object) -> object:
    # A query integer as Genesys reads one: "1.0", " 1" and "+1" are not page
    # numbers, though pydantic's lax parsing would take each of them for one.
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    return value


# An integer query parameter: its text only digits, then its route's range.
QueryInt = Annotated[int, BeforeValidator(_digits_only)]
