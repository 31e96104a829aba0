"""What goes into a request: bodies, enum values, ids and date-times.

Everything here runs before a request is sent, so a value the API would refuse
is refused here, naming the field, the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, Final, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter, ValidationError

from journeyapi.client.errors import InvalidRequestError
from journeyapi.models.actiontargets import PatchActionTarget, ServiceLevel
from journeyapi.models.analytics import (
    AlternateTimeDimension,
    FilterType,
    JourneyAggregateQueryPredicate,
    JourneyAggregationQuery,
    JourneyDimension,
    JourneyMetric,
    PredicateOperator,
    PredicateType,
    ViewFunction,
)
from journeyapi.models.common import UtcDateTime, format_instant
from journeyapi.models.segments import SegmentAssignmentsUpdate

E = TypeVar("E", bound=StrEnum)
M = TypeVar("M", bound=BaseModel)


class Unset:
    """The type of ``UNSET``: "leave this field out", as opposed to ``None``."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = Unset()

_INSTANT = TypeAdapter(UtcDateTime)


def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from ISO-8601 text with an offset or ``Z``.

    Any number of fractional digits from 0 to 9 is read; Python keeps six.
    """
    try:
        return _INSTANT.validate_python(text)
    except ValidationError as exc:
        raise InvalidRequestError(
            "date-time", text, "ISO-8601 with an offset, e.g. 2020-11-05T14:03:22Z"
        ) from exc


def format_utc(instant: datetime, field: str = "date-time") -> str:
    """``2020-11-05T14:03:22.123Z``; a naive datetime is refused, not guessed."""
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        raise InvalidRequestError(
            field,
            instant,
            "a timezone-aware datetime, e.g. datetime(2020, 11, 5, tzinfo=UTC);"
            " a naive one names no instant",
        )
    return format_instant(instant)


# What a query's interval may be, for every refusal of one.
_INTERVAL_ALLOWED = (
    "an ISO-8601 interval string, e.g. '2020-11-01T00:00:00Z/2020-11-08T00:00:00Z',"
    " or a pair (start, end) of timezone-aware datetimes"
)


def interval(start: datetime, end: datetime) -> str:
    """The ``start/end`` text of an aggregate query interval, both ends in UTC.

    Only timezone-aware datetimes are taken. ISO-8601 text is refused rather
    than parsed: it can already go into the query as the interval string, and
    reading it here would silently reformat (and truncate) what the caller wrote.
    """
    ends = {"interval start": start, "interval end": end}
    for field, instant in ends.items():
        if not isinstance(instant, datetime):
            raise InvalidRequestError(field, instant, _INTERVAL_ALLOWED)
    return f"{format_utc(start, 'interval start')}/{format_utc(end, 'interval end')}"


def _interval_pair(given: Any) -> str:
    """A query mapping's ``interval`` given as ``(start, end)``, as its text."""
    if len(given) != 2 or not all(isinstance(end, datetime) for end in given):
        raise InvalidRequestError("interval", given, _INTERVAL_ALLOWED)
    return interval(*given)


def encode(value: Any) -> Any:
    """``value`` as JSON data: models by their wire names with only the fields
    that were set, ``UNSET`` left out, ``None`` kept as ``null``, datetimes UTC."""
    if isinstance(value, BaseModel):
        return encode(value.model_dump(by_alias=True, exclude_unset=True))
    if isinstance(value, Mapping):
        return {
            str(key): encode(item) for key, item in value.items() if item is not UNSET
        }
    if isinstance(value, list | tuple):
        return [encode(item) for item in value if item is not UNSET]
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, Enum):
        return value.value
    return value


def path_id(field: str, value: str) -> str:
    """One path segment: non-empty, with every reserved character escaped."""
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(field, value, "a non-empty string")
    if value in (".", ".."):
        # A bare dot segment is removed by URL normalisation (RFC 3986 5.2.4,
        # which httpx applies), so "sessions/../segments" would name another
        # resource; escaped, it stays one segment that the server decodes back.
        return value.replace(".", "%2E")
    return quote(value, safe="")


def enum_value(field: str, value: str | E, kind: type[E]) -> str:
    """The wire text of an enum value; the API matches values exactly."""
    allowed = [member.value for member in kind]
    if isinstance(value, kind):
        return value.value
    if isinstance(value, str) and value in allowed:
        return value
    raise InvalidRequestError(field, value, "one of " + ", ".join(allowed))


def page_size_text(value: int | str | None) -> str | None:
    """The cursor listings' ``pageSize``: a string of digits on the wire."""
    if value is None:
        return None
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.isdigit())
    ):
        raise InvalidRequestError("pageSize", value, "a whole number, e.g. 25")
    return str(int(value))


def action_target_patch(
    *,
    name: str | None | Unset = UNSET,
    service_level: ServiceLevel | Mapping[str, Any] | None | Unset = UNSET,
    short_abandon_threshold: int | None | Unset = UNSET,
) -> PatchActionTarget:
    """A PATCH body holding exactly the fields given; ``None`` sends ``null``."""
    given = {
        "name": name,
        "service_level": service_level,
        "short_abandon_threshold": short_abandon_threshold,
    }
    return _validated(
        PatchActionTarget,
        {key: value for key, value in given.items() if value is not UNSET},
        "body",
    )


def patch_body(body: PatchActionTarget | Mapping[str, Any]) -> Any:
    """The JSON of an action target PATCH, exactly the fields the caller set."""
    if isinstance(body, PatchActionTarget):
        return encode(body)
    if not isinstance(body, Mapping):
        raise InvalidRequestError(
            "body", body, "a PatchActionTarget or a mapping; {} changes nothing"
        )
    wire = encode(body)
    _validated(PatchActionTarget, wire, "body")
    return wire


def segment_updates(
    body: Sequence[SegmentAssignmentsUpdate | Mapping[str, Any]],
) -> list[Any]:
    """The JSON array of an assign/unassign call; ``[]`` stays ``[]``."""
    if isinstance(body, str | bytes | Mapping) or not isinstance(body, Sequence):
        raise InvalidRequestError(
            "body", body, "a list of SegmentAssignmentsUpdate (may be empty)"
        )
    wire = []
    for index, item in enumerate(body):
        field = f"body[{index}]"
        if isinstance(item, Mapping):
            item = _validated(SegmentAssignmentsUpdate, encode(item), field)
        elif not isinstance(item, SegmentAssignmentsUpdate):
            raise InvalidRequestError(field, item, "a SegmentAssignmentsUpdate")
        wire.append(encode(item))
    return wire


def aggregate_query(body: JourneyAggregationQuery | Mapping[str, Any]) -> Any:
    """The JSON of an aggregate query, its enum values checked."""
    if isinstance(body, Mapping):
        given = dict(body)
        if isinstance(given.get("interval"), tuple | list):
            given["interval"] = _interval_pair(given["interval"])
        query = _validated(JourneyAggregationQuery, encode(given), "body")
    elif isinstance(body, JourneyAggregationQuery):
        query = body
    else:
        raise InvalidRequestError("body", body, "a JourneyAggregationQuery")

    for index, metric in enumerate(query.metrics or ()):
        enum_value(f"metrics[{index}]", metric, JourneyMetric)
    for index, dimension in enumerate(query.group_by or ()):
        enum_value(f"groupBy[{index}]", dimension, JourneyDimension)
    if query.alternate_time_dimension is not None:
        enum_value(
            "alternateTimeDimension",
            query.alternate_time_dimension,
            AlternateTimeDimension,
        )
    for index, view in enumerate(query.views or ()):
        if view.target is not None:
            enum_value(f"views[{index}].target", view.target, JourneyMetric)
        if view.function is not None:
            enum_value(f"views[{index}].function", view.function, ViewFunction)
    if query.filter is not None:
        _check_filter(query)
    return encode(query)


def _check_filter(query: JourneyAggregationQuery) -> None:
    assert query.filter is not None
    if query.filter.type is not None:
        enum_value("filter.type", query.filter.type, FilterType)
    _check_predicates("filter.predicates", query.filter.predicates)
    for index, clause in enumerate(query.filter.clauses or ()):
        where = f"filter.clauses[{index}]"
        if clause.type is not None:
            enum_value(f"{where}.type", clause.type, FilterType)
        _check_predicates(f"{where}.predicates", clause.predicates)


def _check_predicates(
    where: str, predicates: list[JourneyAggregateQueryPredicate] | None
) -> None:
    for index, predicate in enumerate(predicates or ()):
        field = f"{where}[{index}]"
        if predicate.type is not None:
            enum_value(f"{field}.type", predicate.type, PredicateType)
        if predicate.dimension is not None:
            enum_value(f"{field}.dimension", predicate.dimension, JourneyDimension)
        if predicate.operator is not None:
            enum_value(f"{field}.operator", predicate.operator, PredicateOperator)


def _validated(kind: type[M], data: Any, field: str) -> M:
    try:
        return kind.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join([field, *(str(part) for part in first["loc"])])
        raise InvalidRequestError(where, first.get("input"), first["msg"]) from exc
