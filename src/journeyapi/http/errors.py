"""Rendering every failure as the Genesys ``ErrorBody``.

Domain errors arrive as ``ApiError``; the framework's own failures (validation,
unknown routes, wrong methods) are translated into the matching ``ApiError``
first, so that there is exactly one way an error body is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

import annotated_types
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from journeyapi.errors import (
    ApiError,
    BadRequest,
    FieldProblem,
    InvalidDate,
    InvalidValue,
    MethodNotAllowed,
    NotFound,
)
from journeyapi.http.context import correlation_id
from journeyapi.http.responses import error_response

# What a value of each kind must look like, by pydantic error type.
_KIND_TEXT = {
    "int_parsing": "integers",
    "int_type": "integers",
    "int_from_float": "integers",
    "float_parsing": "numbers",
    "float_type": "numbers",
    "finite_number": "finite numbers",
    "string_type": "strings",
    "bool_parsing": "true, false",
    "bool_type": "true, false",
    "list_type": "JSON arrays",
    "dict_type": "JSON objects",
    "model_type": "JSON objects",
    "model_attributes_type": "JSON objects",
    "missing": "a value (the field is required)",
}

_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")

MALFORMED_JSON = "The request body is not valid JSON."

# Pydantic error types of a date-time that is garbled or has no UTC offset.
_DATE_ERRORS = frozenset(
    {
        "datetime_type",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "datetime_object_invalid",
        "timezone_aware",
    }
)


async def render_api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error, correlation_id(request.scope))


async def render_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    return error_response(
        translate_validation(request, error.errors()), correlation_id(request.scope)
    )


async def render_http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    translated: ApiError
    if error.status_code == 405:
        allowed = ", ".join(_methods_at(request))
        translated = MethodNotAllowed(
            {"method": request.method}, headers={"Allow": allowed}
        )
    elif error.status_code == 404:
        translated = NotFound()
    else:
        translated = BadRequest()
    return error_response(translated, correlation_id(request.scope))


def _methods_at(request: Request) -> list[str]:
    """Every method some route serves at the requested path.

    The router's own answer names only the first route that matched the path,
    and several routes share one path with different methods; asking the
    routes method by method also sees into included routers.
    """
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in routes
        )
    ]


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, render_api_error)
    app.add_exception_handler(RequestValidationError, render_validation_error)
    app.add_exception_handler(HTTPException, render_http_exception)


def translate_validation(request: Request, problems: Sequence[Any]) -> ApiError:
    """One ``invalid.value`` naming the first bad field, with all of them listed."""
    first = problems[0]
    if first["type"] == "json_invalid":
        return BadRequest(template=MALFORMED_JSON)

    fields = [_field_name(problem["loc"]) for problem in problems]
    if first["type"] in _DATE_ERRORS:
        return InvalidDate(fields[0], _offending_value(first))

    error = InvalidValue(fields[0], _offending_value(first), _allowed(request, first))
    error.details = tuple(
        FieldProblem(InvalidValue.code, field_name=field)
        for field in dict.fromkeys(fields)
    )
    return error


def _field_name(loc: Sequence[str | int]) -> str:
    """A pydantic location as the field's path as sent.

    ``('body', 'serviceLevel', 'percentage')`` -> ``serviceLevel.percentage``;
    ``('body', 0, 'segmentId')`` -> ``body[0].segmentId``. The names pydantic
    adds for the type it tried (``str-enum[JourneyMetric]``, ``int``) are not
    part of the body and are left out.
    """
    path = ""
    for part in loc[1:]:
        if isinstance(part, int):
            path = f"{path or loc[0]}[{part}]"
        elif not _is_type_tag(part):
            path = f"{path}.{part}" if path else part
    return path or str(loc[0])


# Bare type names pydantic puts in a location when a union tries each member.
_TYPE_TAGS = frozenset({"str", "int", "float", "bool", "list", "dict", "none"})


def _is_type_tag(part: str) -> bool:
    # API fields are camelCase words: a bracket or dash is pydantic's own name.
    return part in _TYPE_TAGS or "[" in part or "-" in part


def _offending_value(problem: Any) -> object:
    if problem["type"] == "missing":
        return "null"
    value = problem.get("input")
    return "null" if value is None else value


def _allowed(request: Request, problem: Any) -> str:
    declared = _declared_parameter_range(request, problem["loc"])
    if declared:
        return declared

    context = problem.get("ctx") or {}
    if "expected" in context:
        return str(context["expected"])
    for bound, text in (("ge", "at least"), ("gt", "more than")):
        if bound in context:
            return f"numbers {text} {context[bound]}"
    for bound, text in (("le", "at most"), ("lt", "less than")):
        if bound in context:
            return f"numbers {text} {context[bound]}"
    return _KIND_TEXT.get(problem["type"], "values of the documented type")


def _declared_parameter_range(request: Request, loc: Sequence[Any]) -> str | None:
    """For a query or path parameter, the whole range its route declares.

    A pydantic error for ``pageSize=101`` only knows the bound it broke; the
    caller is better served by "integers from 1 to 100".
    """
    route = request.scope.get("route")
    if route is None or len(loc) != 2 or loc[0] not in ("query", "path"):
        return None
    params = getattr(route, "dependant", None)
    if params is None:
        return None
    candidates = params.query_params if loc[0] == "query" else params.path_params
    for field in candidates:
        if field.alias == loc[1]:
            return _describe_field(field)
    return None


def _describe_field(field: Any) -> str | None:
    annotation = field.field_info.annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return ", ".join(str(member.value) for member in annotation)

    low = high = None
    for constraint in field.field_info.metadata:
        if isinstance(constraint, annotated_types.Ge):
            low = constraint.ge
        elif isinstance(constraint, annotated_types.Le):
            high = constraint.le
    if annotation is int:
        if low is not None and high is not None:
            return f"integers from {low} to {high}"
        if low is not None:
            return f"integers from {low}"
        return "integers"
    return None
