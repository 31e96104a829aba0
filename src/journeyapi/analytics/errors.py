"""The ways an aggregate query or a journey event can be refused."""

from __future__ import annotations

from journeyapi.errors import BadRequest, FieldProblem, RequestTimeout, describe_value


class _FieldError(BadRequest):
    """A 400 about one field of the request, named in ``details`` too."""

    def __init__(self, field: str, **params: object) -> None:
        super().__init__(
            {"field": field, **{key: _text(value) for key, value in params.items()}},
            details=[FieldProblem(self.code, field_name=field)],
        )


def _text(value: object) -> str:
    return describe_value(value)


class MissingField(_FieldError):
    template = "The field [{field}] is required."


class IntervalNotIncreasing(_FieldError):
    template = "The interval [{value}] must end after it starts."


class IntervalTooLong(_FieldError):
    template = "The interval [{value}] is longer than the maximum of {limit} days."


class GranularityInvalid(_FieldError):
    template = (
        "The granularity [{value}] is not supported: use an ISO-8601 duration of "
        "whole months, weeks, days, hours or minutes, such as PT15M, PT1H, P1D, "
        "P1W or P1M."
    )


class GranularityUneven(_FieldError):
    template = (
        "The interval [{interval}] is not a whole number of [{value}] steps in "
        "time zone [{timeZone}]."
    )


class TooManyBuckets(_FieldError):
    template = (
        "The granularity [{value}] splits the interval into more than {limit} buckets."
    )


class DuplicateValue(_FieldError):
    template = "The value [{value}] appears more than once in [{field}]."


class FilterInvalid(_FieldError):
    template = "The filter part [{field}] is not valid: {reason}"


class ViewNameTaken(_FieldError):
    template = "The view name [{value}] is already used by a metric or another view."


class ViewInvalid(_FieldError):
    template = "The view [{field}] is not valid: {reason}"


class AggregateQueryTimedOut(RequestTimeout):
    template = (
        "The aggregate query ran longer than {seconds} seconds and was cancelled."
        " Narrow the interval, the filter or the groupBy and ask again."
    )

    def __init__(self, seconds: float) -> None:
        super().__init__({"seconds": f"{seconds:g}"})
