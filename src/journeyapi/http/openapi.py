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
    413: "The body is larger than the server accepts.",
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


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """What the framework cannot be told route by route.

    - It documents a 422 answer for every route with parameters; journeyapi never
      answers 422 (a failed validation is a 400 with the Genesys ``ErrorBody``,
      which every route lists), so those entries go.
    - Every ``/api/v2`` operation takes a bearer token. The token is read by the
      ``requires`` dependency rather than the framework's security classes (one
      dependency less on every request), so the scheme is declared here.
    """
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
            if path.startswith("/api/v2/"):
                operation["security"] = [{"bearer": []}]

    components = document.setdefault("components", {})
    schemas = components.get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    components["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An access token from POST /oauth/token.",
        }
    }
    return document
