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
    502: "An injected fault: a bad answer from upstream.",
    503: "The service is unavailable (or an injected fault).",
    504: "The request took too long (or an injected fault).",
}

# What the edge can answer on any operation: an injected fault (see
# journeyapi.http.faults) answers any of these before the route runs.
_ANY_OPERATION = (429, 500, 502, 503, 504)
# An operation taking a body: the edge refuses one too large (413), nested too
# deep or holding too long a string (400), and the routes one not JSON (415).
_WITH_BODY = (400, 413, 415)
# An operation with a path parameter: one longer than any id is not found.
_WITH_PATH_PARAMETER = (404,)
# An operation under /api/v2 reads a bearer token and checks a permission.
_AUTHENTICATED = (401, 403)
_ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


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
    - The answers the edge gives before a route runs (limits, faults, the token)
      are the same for every operation of a kind, so they are listed here once
      rather than in every route.
    """
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
            if path.startswith("/api/v2/"):
                operation["security"] = [{"bearer": []}]
            _complete_errors(path, operation)

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


def _complete_errors(path: str, operation: dict[str, Any]) -> None:
    statuses = list(_ANY_OPERATION)
    if "requestBody" in operation:
        statuses += _WITH_BODY
    if "{" in path:
        statuses += _WITH_PATH_PARAMETER
    if any(
        parameter.get("in") == "query" for parameter in operation.get("parameters", [])
    ):
        # A query parameter that is not of its declared type.
        statuses.append(400)
    if path.startswith("/api/v2/"):
        statuses += _AUTHENTICATED

    responses = operation.setdefault("responses", {})
    for status in sorted(set(statuses)):
        responses.setdefault(
            str(status),
            {
                "description": _DESCRIPTIONS[status],
                "content": {"application/json": {"schema": _ERROR_BODY}},
            },
        )
