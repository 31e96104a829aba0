"""What routes declare they need: the caller's permissions, a JSON body, services.

A route states its permission once, in its decorator, as ``requires(...)``; no
handler checks permissions itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from journeyapi.auth.service import Principal
from journeyapi.errors import UnsupportedMediaType
from journeyapi.services import Services

_bearer = HTTPBearer(
    auto_error=False,
    description="An access token from POST /oauth/token (client credentials).",
)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def requires(*any_of: str) -> Any:
    """A dependency that admits callers holding at least one of ``any_of``."""

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        token = credentials.credentials if credentials else None
        principal = services(request).auth.authenticate(token)
        principal.require_any(*any_of)
        return principal

    return Depends(check)


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

ServicesDep = Annotated[Services, Depends(services)]
