"""Responses carrying wire models, serialised once, without re-validation."""

from __future__ import annotations

from fastapi import Response

from journeyapi.errors import ApiError
from journeyapi.models.common import Detail, ErrorBody, WireModel

JSON = "application/json"


def wire(model: WireModel, status_code: int = 200) -> Response:
    return Response(model.to_json(), status_code=status_code, media_type=JSON)


def error_body(error: ApiError, correlation_id: str) -> ErrorBody:
    return ErrorBody(
        message=error.message,
        code=error.code,
        status=error.status,
        entity_id=error.entity_id,
        entity_name=error.entity_name,
        message_with_params=error.template,
        message_params=error.params,
        context_id=correlation_id,
        details=[
            Detail(
                error_code=problem.error_code,
                field_name=problem.field_name,
                entity_id=problem.entity_id,
                entity_name=problem.entity_name,
            )
            for problem in error.details
        ],
        errors=[],
    )


def error_response(error: ApiError, correlation_id: str) -> Response:
    response = wire(error_body(error, correlation_id), error.status)
    response.headers.update(error.headers)
    return response
