"""``POST /oauth/token``: the client-credentials grant, as Genesys login serves it."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from journeyapi.auth.service import verify_secret
from journeyapi.http.dependencies import services_of
from journeyapi.models.oauth import AccessTokenResponse, OAuthError

router = APIRouter(tags=["OAuth"])

_FORM = "application/x-www-form-urlencoded"


@router.post(
    "/oauth/token",
    response_model=AccessTokenResponse,
    operation_id="postOauthToken",
    summary="Exchange client credentials for an access token.",
    description=(
        "Client credentials go in an HTTP Basic `Authorization` header (or as"
        " `client_id` and `client_secret` form fields); the body is the form"
        " `grant_type=client_credentials`."
    ),
    responses={
        400: {"model": OAuthError, "description": "Not a client-credentials grant."},
        401: {"model": OAuthError, "description": "Unknown client or wrong secret."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                _FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["grant_type"],
                        "properties": {
                            "grant_type": {
                                "type": "string",
                                "enum": ["client_credentials"],
                            },
                            "client_id": {"type": "string"},
                            "client_secret": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def issue_token(request: Request) -> Response:
    services = services_of(request)
    content_type = request.headers.get("content-type", _FORM).split(";")[0].strip()
    if content_type.lower() != _FORM:
        return _oauth_error(400, "invalid_request", f"The body must be {_FORM}.")

    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    grant_type = form.get("grant_type", [""])[-1]
    if grant_type != "client_credentials":
        return _oauth_error(
            400,
            "unsupported_grant_type",
            f"Grant type [{grant_type}] is not supported; use client_credentials.",
        )

    credentials = _basic_credentials(request) or (
        form.get("client_id", [""])[-1],
        form.get("client_secret", [""])[-1],
    )
    client_id, client_secret = credentials
    secret_hash, lifetime = services.auth.stored_secret(client_id)
    matches = await anyio.to_thread.run_sync(verify_secret, secret_hash, client_secret)
    if not matches or lifetime is None:
        return _oauth_error(401, "invalid_client", "Invalid client credentials.")

    issued = services.auth.issue_token(client_id, lifetime)
    answer = AccessTokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in
    )
    return JSONResponse(answer.model_dump())


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, client_secret = decoded.partition(":")
    return (client_id, client_secret) if separator else None


def _oauth_error(status: int, error: str, description: str) -> Response:
    body = OAuthError(
        error=error, description=description, error_description=description
    )
    headers = (
        {"WWW-Authenticate": 'Basic realm="journeyapi"'} if status == 401 else None
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)
