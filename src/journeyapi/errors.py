"""Domain errors.

Each failure the API can report is a class with an HTTP status, a stable Genesys
error code and a message template whose ``{name}`` placeholders are filled from the
error's parameters. Services raise them; the HTTP layer renders every one of them
the same way, as the Genesys ``ErrorBody``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FieldProblem:
    """One entry of ``ErrorBody.details``: which field a failure is about."""

    error_code: str
    field_name: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None


class ApiError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal.server.error"
    template: str = (
        "The server encountered an unexpected condition which prevented it from "
        "fulfilling the request."
    )

    def __init__(
        self,
        params: Mapping[str, str] | None = None,
        *,
        details: Iterable[FieldProblem] = (),
        entity_id: str | None = None,
        entity_name: str | None = None,
        template: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.params = dict(params or {})
        self.details = tuple(details)
        self.entity_id = entity_id
        self.entity_name = entity_name
        self.headers = dict(headers or {})
        if template is not None:
            self.template = template
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)


class BadRequest(ApiError):
    status = 400
    code = "bad.request"
    template = (
        "The request could not be understood by the server due to malformed syntax."
    )


class InvalidValue(ApiError):
    status = 400
    code = "invalid.value"
    template = (
        "Value [{value}] is not valid for field type [{field}]. "
        "Allowable values are: {allowed}"
    )

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        super().__init__(
            {"value": describe_value(value), "field": field, "allowed": allowed},
            details=[FieldProblem(self.code, field_name=field)],
        )


class InvalidDate(ApiError):
    status = 400
    code = "invalid.date"
    template = (
        "Dates must be specified as ISO-8601 strings. "
        "For example: yyyy-MM-ddTHH:mm:ss.SSSZ"
    )

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            {"value": describe_value(value), "field": field},
            details=[FieldProblem(self.code, field_name=field)],
        )


class AuthenticationRequired(ApiError):
    status = 401
    code = "authentication.required"
    template = "No authentication bearer token specified in authorization header."


class BadCredentials(ApiError):
    status = 401
    code = "bad.credentials"
    template = "Invalid login credentials."


class CredentialsExpired(ApiError):
    status = 401
    code = "credentials.expired"
    template = "The supplied credentials are expired and cannot be used."


class MissingAnyPermissions(ApiError):
    status = 403
    code = "missing.any.permissions"
    template = (
        "Unable to perform the requested action. You must have at least one of "
        "the following permissions assigned: {permissions}"
    )

    def __init__(self, permissions: Iterable[str]) -> None:
        self.permissions = tuple(permissions)
        super().__init__({"permissions": "[" + ", ".join(self.permissions) + "]"})


class NotFound(ApiError):
    status = 404
    code = "not.found"
    template = "The requested resource was not found."


class MethodNotAllowed(ApiError):
    status = 405
    code = "method.not.allowed"
    template = "The HTTP method [{method}] is not allowed for this resource."


class Conflict(ApiError):
    status = 409
    code = "conflict"
    template = "The resource already exists."


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported.media.type"
    template = (
        "Unsupported Media Type - Unsupported or incorrect media type, such as an "
        "incorrect Content-Type value in the header."
    )


class RequestEntityTooLarge(ApiError):
    status = 413
    code = "request.entity.too.large"
    template = "The request is over the size limit. Maximum bytes: {maximum}"

    def __init__(self, maximum: int) -> None:
        super().__init__({"maximum": str(maximum)})


class TooManyRequests(ApiError):
    status = 429
    code = "too.many.requests.retry.after"
    template = (
        "Rate limit exceeded the maximum. Retry the request in [{seconds}] seconds"
    )

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            {"seconds": str(retry_after_seconds)},
            headers={"Retry-After": str(retry_after_seconds)},
        )


class BadGateway(ApiError):
    status = 502
    code = "bad.gateway"
    template = "Bad Gateway - The server received an invalid response from upstream."


class ServiceUnavailable(ApiError):
    status = 503
    code = "service.unavailable"
    template = (
        "Service Unavailable - The server is currently unavailable (because it is "
        "overloaded or down for maintenance)."
    )


class RequestTimeout(ApiError):
    status = 504
    code = "request.timeout"
    template = "The request timed out."


class InternalServerError(ApiError):
    """The answer to any exception the code did not expect: always a bug."""


def describe_value(value: object, limit: int = 200) -> str:
    """The offending value as it appears in an error message, kept short."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) > limit:
        return text[:limit] + "..."
    return text
