"""What the OpenAPI document says about error answers."""

from __future__ import annotations

from typing import Any

from journeyapi.models.common import ErrorBody

_DESCRIPTIONS = {
    400: "The request is malformed or a value is not allowed.",
    401: "No token, an unknown token, or an expired token.",
    403: "The token's client lacks the permission the operation needs.",
    404: "The resource does not exist.",
    409: "A resource with that id already exists.",
    415: "The body is not JSON.",
    429: "Too many requests; retry after the time given.",
    500: "An unexpected condition on the server.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry of a route: every listed status has an ErrorBody."""
    every = (*statuses, 500)
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        for status in every
    }


def without_framework_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Drop the 422 answers the framework documents by default.

    journeyapi never answers 422: a body or parameter that fails validation is
    a 400 with the Genesys ``ErrorBody``, which every route already lists.
    """
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document
