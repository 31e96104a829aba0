"""Access tokens: the client-credentials login and the token cache.

The cache holds one token and the instant it stops being usable. A token is
renewed shortly before it expires (so a request never leaves with a token that
dies on the way) and once when the server answers 401.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from journeyapi.client.errors import (
    CORRELATION_HEADER,
    InvalidRequestError,
    UnexpectedResponse,
    login_error_from_response,
)
from journeyapi.models.oauth import AccessTokenResponse

# Renew when less than this share of a token's life is left, but never more
# than five minutes early: a day-long token is renewed at 23 h 55 min.
_EARLY_SHARE = 0.1
_EARLY_MAX_SECONDS = 300.0


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str

    def login_request(self, token_url: str) -> httpx.Request:
        """``POST /oauth/token`` as Genesys login expects it: HTTP Basic, a form."""
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return httpx.Request(
            "POST",
            token_url,
            headers={
                "Authorization": "Basic " + base64.b64encode(pair).decode(),
                "Accept": "application/json",
            },
            data={"grant_type": "client_credentials"},
        )


def credentials_from(
    client_id: str | None, client_secret: str | None, access_token: str | None
) -> ClientCredentials | None:
    """The login credentials, or ``None`` when a ready token was given instead."""
    if access_token is not None:
        if client_id is not None or client_secret is not None:
            raise InvalidRequestError(
                "access_token",
                "<token>",
                "pass either access_token or client_id and client_secret, not both",
            )
        if not access_token:
            raise InvalidRequestError("access_token", "", "a non-empty token")
        return None
    if not client_id or not client_secret:
        raise InvalidRequestError(
            "client_id/client_secret",
            "<missing>",
            "pass client_id and client_secret (or access_token)",
        )
    return ClientCredentials(client_id, client_secret)


def read_login_response(response: httpx.Response) -> AccessTokenResponse:
    """The token from the token endpoint's answer, or the error it stands for."""
    if response.status_code != 200:
        raise login_error_from_response(response)
    try:
        return AccessTokenResponse.model_validate_json(response.content)
    except ValidationError as exc:
        raise UnexpectedResponse(
            f"the token endpoint answered 200 without a token: {response.text[:200]!r}",
            status=response.status_code,
            correlation_id=response.headers.get(CORRELATION_HEADER),
        ) from exc


class TokenCache:
    """One access token and when to renew it; ``clock`` is in seconds."""

    def __init__(self, clock: Callable[[], float], fixed: str | None = None) -> None:
        self._clock = clock
        self._token = fixed
        self._renew_at: float | None = None
        self.fixed = fixed is not None

    def usable(self) -> str | None:
        """The cached token if it has life left, else ``None``."""
        if self._token is None:
            return None
        if self._renew_at is not None and self._clock() >= self._renew_at:
            return None
        return self._token

    def store(self, answer: AccessTokenResponse) -> str:
        early = min(answer.expires_in * _EARLY_SHARE, _EARLY_MAX_SECONDS)
        self._token = answer.access_token
        self._renew_at = self._clock() + answer.expires_in - early
        return answer.access_token

    def forget(self, token: str) -> None:
        """Drop ``token`` after a 401 (unless a newer one replaced it meanwhile)."""
        if not self.fixed and self._token == token:
            self._token = None
            self._renew_at = None
