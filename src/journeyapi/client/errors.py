"""The client's exceptions: one root, transport failures, and error statuses.

Every exception has ``status``: the HTTP status of the answer that caused it, or
``None`` when no answer came (a transport failure) or none was asked for (a
request refused before it was sent).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from pydantic import ValidationError

from journeyapi.models.common import ErrorBody

CORRELATION_HEADER = "ININ-Correlation-Id"

# How much of a body that is not the Genesys error body an exception quotes.
_SNIPPET = 200


class JourneyApiError(Exception):
    """The root of every exception the client raises."""

    status: int | None = None

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class InvalidRequestError(JourneyApiError, ValueError):
    """An argument the API would refuse; raised before any HTTP call."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {value!r} is not allowed; {allowed}")


class TransportError(JourneyApiError):
    """No answer came: the connection failed, broke or timed out."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        self.method = method
        self.url = url
        super().__init__(f"{method} {url}: {message}")


class RequestTimeout(TransportError):
    """The server did not answer within the client's timeout."""


class PagingError(JourneyApiError):
    """A listing's links would make a paging helper loop or lose its place."""


class UnexpectedResponse(JourneyApiError):
    """A success status whose body is not the schema the operation answers with."""

    def __init__(self, message: str, *, status: int, correlation_id: str | None):
        self.status = status
        self.correlation_id = correlation_id
        super().__init__(message)


class ApiStatusError(JourneyApiError):
    """The server answered with an error status.

    ``code``, ``message``, ``message_params`` and ``context_id`` come from the
    Genesys error body when the answer has one; ``correlation_id`` from the
    ``ININ-Correlation-Id`` header; ``body`` is the parsed error body, ``text`` the
    raw one.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        message_params: Mapping[str, str] | None = None,
        context_id: str | None = None,
        correlation_id: str | None = None,
        body: ErrorBody | None = None,
        text: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message_params = dict(message_params or {})
        self.context_id = context_id
        self.correlation_id = correlation_id
        self.body = body
        self.text = text
        self.headers = dict(headers or {})
        super().__init__(message)
        # The readable form names the status and code too.
        self.args = (f"{status} {code or 'error'}: {message}",)


class BadRequestError(ApiStatusError):
    """400: the request was refused as malformed or invalid."""


class AuthenticationError(ApiStatusError):
    """401: the token is missing, unknown or expired."""


class PermissionDeniedError(ApiStatusError):
    """403: the caller lacks a permission the operation needs."""


class NotFoundError(ApiStatusError):
    """404: the resource does not exist."""


class ConflictError(ApiStatusError):
    """409: the request conflicts with what exists."""


class RateLimitError(ApiStatusError):
    """429: too many requests; ``retry_after`` is the wait the server asked for."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class ServerError(ApiStatusError):
    """5xx: the server (or a gateway in front of it) failed."""


class LoginError(ApiStatusError):
    """The OAuth token endpoint refused the client credentials.

    ``error`` is the OAuth error code (``invalid_client``...).
    """

    def __init__(self, status: int, message: str, *, error: str | None, **kw: Any):
        self.error = error
        super().__init__(status, message, code=error, **kw)


_BY_STATUS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header; ``None`` when absent or unreadable.

    Genesys sends whole seconds; an HTTP date is read too, as the header allows.
    """
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> ApiStatusError:
    """The exception for an error answer, whatever its body looks like."""
    status = response.status_code
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else ApiStatusError)
    correlation_id = response.headers.get(CORRELATION_HEADER)
    text = response.text
    common: dict[str, Any] = {
        "correlation_id": correlation_id,
        "text": text,
        "headers": response.headers,
    }

    body = _error_body(text)
    if body is None:
        return kind(status, _describe_foreign_body(response), **common)
    return kind(
        status,
        body.message or response.reason_phrase,
        code=body.code,
        message_params=body.message_params,
        context_id=body.context_id,
        body=body,
        **common,
    )


def login_error_from_response(response: httpx.Response) -> LoginError:
    """The exception for a refused token request (the OAuth error form)."""
    text = response.text
    try:
        loaded = json.loads(text)
    except ValueError:
        loaded = None
    common: dict[str, Any] = {
        "correlation_id": response.headers.get(CORRELATION_HEADER),
        "text": text,
        "headers": response.headers,
    }
    if not isinstance(loaded, dict):
        return LoginError(
            response.status_code, _describe_foreign_body(response), error=None, **common
        )
    error = loaded.get("error") if isinstance(loaded.get("error"), str) else None
    message = (
        loaded.get("error_description")
        or loaded.get("description")
        or loaded.get("message")
        or response.reason_phrase
    )
    return LoginError(
        response.status_code,
        f"login refused: {message}",
        error=error or loaded.get("code"),
        **common,
    )


def _error_body(text: str) -> ErrorBody | None:
    try:
        loaded = json.loads(text)
    except ValueError:
        return None
    if not isinstance(loaded, dict):
        return None
    try:
        return ErrorBody.model_validate(loaded)
    except ValidationError:
        return None


def _describe_foreign_body(response: httpx.Response) -> str:
    """A message for an error answer that is not JSON (a proxy's HTML page...)."""
    content_type = response.headers.get("content-type", "no content type")
    snippet = " ".join(response.text.split())[:_SNIPPET]
    reason = response.reason_phrase or "error"
    if not snippet:
        return f"HTTP {response.status_code} {reason} with an empty body"
    return (
        f"HTTP {response.status_code} {reason}; the body is not a Genesys error"
        f" body ({content_type}): {snippet!r}"
    )
