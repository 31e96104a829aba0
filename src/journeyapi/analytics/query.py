"""Validation of a journey aggregate query into a typed ``Query``.

Every rule of the API is checked here, before any SQL exists; each refusal
names the offending field and value and, for enumerations, what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from journeyapi.analytics import buckets
from journeyapi.analytics.catalogue import DIMENSIONS, METRICS, Dimension
from journeyapi.analytics.errors import (
    DuplicateValue,
    FilterInvalid,
    GranularityInvalid,
    GranularityUneven,
    IntervalNotIncreasing,
    IntervalTooLong,
    MissingField,
    TooManyBuckets,
    ViewInvalid,
    ViewNameTaken,
)
from journeyapi.errors import InvalidDate, InvalidValue
from journeyapi.limits import Limits, TooManyItems, check_items
from journeyapi.models.analytics import (
    AlternateTimeDimension,
    FilterType,
    JourneyAggregateQueryClause,
    JourneyAggregateQueryFilter,
    JourneyAggregateQueryPredicate,
    JourneyAggregationQuery,
    JourneyAggregationView,
    PredicateOperator,
    PredicateType,
    ViewFunction,
)

MAX_BUCKETS = 10_000
DEFAULT_MAX_INTERVAL_DAYS = 366

# The words the events route uses for the same refusal (models.common).
UTC_RANGE = "a date-time must fall between 0001-01-01 and 9999-12-31 in UTC"

ZONE_NAMES = "an IANA time zone name such as UTC or Europe/London"

# Files of the zone folders that load as zones but are not IANA zone names: the
# host's own zone (a link to /etc/localtime), the rules for POSIX TZ strings,
# and the tz database's placeholder for a machine whose zone is not set yet.
NOT_ZONE_NAMES = frozenset({"localtime", "posixrules", "Factory"})


@dataclass(frozen=True)
class NumericRange:
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    def contains(self, number: float) -> bool:
        return (
            (self.gt is None or number > self.gt)
            and (self.gte is None or number >= self.gte)
            and (self.lt is None or number < self.lt)
            and (self.lte is None or number <= self.lte)
        )


@dataclass(frozen=True)
class Predicate:
    dimension: Dimension
    operator: PredicateOperator
    value: str | None = None
    range: NumericRange | None = None


@dataclass(frozen=True)
class Clause:
    type: FilterType
    predicates: tuple[Predicate, ...]


@dataclass(frozen=True)
class Filter:
    type: FilterType
    predicates: tuple[Predicate, ...]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class View:
    name: str
    target: str
    range: NumericRange

    @property
    def keeps_observations(self) -> bool:
        """Every counted event is one observation of value 1."""
        return self.range.contains(1)


@dataclass(frozen=True)
class Query:
    start: datetime
    end: datetime
    edges: tuple[datetime, ...]
    metrics: tuple[str, ...]
    group_by: tuple[Dimension, ...] = ()
    filter: Filter | None = None
    views: tuple[View, ...] = ()
    flatten: bool = False


def validate(
    body: JourneyAggregationQuery | None,
    max_interval_days: int = DEFAULT_MAX_INTERVAL_DAYS,
    limits: Limits | None = None,
) -> Query:
    if body is None:
        raise MissingField("body")
    _check_sizes(body, limits or Limits())

    start, end = _interval(body.interval, max_interval_days)
    metrics = _names("metrics", body.metrics, METRICS, required=True)
    group_by = _names("groupBy", body.group_by, tuple(DIMENSIONS), required=False)
    zone = _time_zone(body.time_zone)
    edges = _edges(body, start, end, zone)
    _alternate_time_dimension(body.alternate_time_dimension)

    return Query(
        start=start,
        end=end,
        edges=edges,
        metrics=metrics,
        group_by=tuple(DIMENSIONS[name] for name in group_by),
        filter=_filter(body.filter) if body.filter is not None else None,
        views=_views(body.views or []),
        flatten=bool(body.flatten_multivalued_dimensions),
    )


def _check_sizes(body: JourneyAggregationQuery, limits: Limits) -> None:
    """The array limits, checked before any item is looked at."""
    check_items("views", body.views, limits.aggregate_views)
    check_items("groupBy", body.group_by, limits.aggregate_group_by)
    check_items("metrics", body.metrics, len(METRICS))
    if body.filter is None:
        return

    most = limits.aggregate_predicates
    check_items("filter.predicates", body.filter.predicates, most)
    check_items("filter.clauses", body.filter.clauses, most)
    clauses = body.filter.clauses or []
    for index, clause in enumerate(clauses):
        check_items(f"filter.clauses[{index}].predicates", clause.predicates, most)

    # Each array within its limit can still add up to many predicates in all.
    total = len(body.filter.predicates or []) + sum(
        len(clause.predicates or []) for clause in clauses
    )
    if total > most:
        raise TooManyItems("filter", total, most)


def _interval(text: str | None, max_days: int) -> tuple[datetime, datetime]:
    if text is None:
        raise MissingField("interval")
    start_text, slash, end_text = text.partition("/")
    if not slash:
        raise InvalidDate("interval", text)
    start, end = _instant(start_text, text), _instant(end_text, text)
    if end <= start:
        raise IntervalNotIncreasing("interval", value=text)
    if end - start > timedelta(days=max_days):
        raise IntervalTooLong("interval", value=text, limit=max_days)
    return start, end


def _instant(text: str, interval: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate("interval", interval) from None
    if instant.tzinfo is None:
        raise InvalidDate("interval", interval)
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+14:00 is a valid local time of no UTC instant.
        raise InvalidValue("interval", interval, UTC_RANGE) from None


def _names(
    field: str, given: Sequence[str] | None, allowed: tuple[str, ...], required: bool
) -> tuple[str, ...]:
    if not given:
        if required:
            raise MissingField(field)
        return ()
    names = [str(name) for name in given]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidValue(field, ", ".join(unknown), ", ".join(allowed))
    for index, name in enumerate(names):
        if name in names[:index]:
            raise DuplicateValue(field, value=name)
    return tuple(names)


def _time_zone(name: str | None) -> ZoneInfo:
    if name is None:
        return ZoneInfo("UTC")
    # ZoneInfo loads any file of the zone folders (posix/Europe/London,
    # localtime); only the names of the tz database are zones of the API.
    if name not in _zone_names():
        raise InvalidValue("timeZone", name, ZONE_NAMES)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidValue("timeZone", name, ZONE_NAMES) from None


@cache
def _zone_names() -> frozenset[str]:
    # available_timezones() reads every file of the zone folders: once will do.
    return frozenset(available_timezones()) - NOT_ZONE_NAMES


def _edges(
    body: JourneyAggregationQuery, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[datetime, ...]:
    granularity = None
    if body.granularity is not None:
        granularity = buckets.parse_granularity(body.granularity)
        if granularity is None:
            raise GranularityInvalid("granularity", value=body.granularity)
    try:
        return buckets.edges(start, end, granularity, zone, MAX_BUCKETS)
    except buckets.Uneven:
        raise GranularityUneven(
            "granularity",
            value=body.granularity,
            interval=body.interval,
            timeZone=zone.key,
        ) from None
    except buckets.TooMany:
        raise TooManyBuckets(
            "granularity", value=body.granularity, limit=MAX_BUCKETS
        ) from None


def _alternate_time_dimension(value: str | None) -> None:
    allowed = [member.value for member in AlternateTimeDimension]
    if value is not None and value not in allowed:
        raise InvalidValue("alternateTimeDimension", value, ", ".join(allowed))


def _filter_type(field: str, value: str | None) -> FilterType:
    if value is None:
        raise MissingField(field)
    if value not in (FilterType.AND, FilterType.OR):
        raise InvalidValue(field, value, "and, or")
    return FilterType(value)


def _filter(given: JourneyAggregateQueryFilter) -> Filter:
    kind = _filter_type("filter.type", given.type)
    predicates = tuple(
        _predicate(f"filter.predicates[{index}]", predicate)
        for index, predicate in enumerate(given.predicates or [])
    )
    clauses = tuple(
        _clause(f"filter.clauses[{index}]", clause)
        for index, clause in enumerate(given.clauses or [])
    )
    if not predicates and not clauses:
        raise FilterInvalid("filter", reason="it has neither predicates nor clauses.")
    return Filter(kind, predicates, clauses)


def _clause(field: str, given: JourneyAggregateQueryClause) -> Clause:
    kind = _filter_type(f"{field}.type", given.type)
    if given.clauses is not None:
        # Spec C.6: nesting stops at the filter's clauses; ignoring these would
        # answer a different question from the one asked.
        raise FilterInvalid(
            f"{field}.clauses",
            reason="a clause holds only its type and predicates; clauses do not nest.",
        )
    if given.predicates is None:
        raise MissingField(f"{field}.predicates")
    if not given.predicates:
        raise FilterInvalid(field, reason="a clause needs at least one predicate.")
    return Clause(
        kind,
        tuple(
            _predicate(f"{field}.predicates[{index}]", predicate)
            for index, predicate in enumerate(given.predicates)
        ),
    )


def _predicate(field: str, given: JourneyAggregateQueryPredicate) -> Predicate:
    if given.type is not None and given.type != PredicateType.DIMENSION:
        raise InvalidValue(f"{field}.type", given.type, PredicateType.DIMENSION.value)
    if given.dimension is None:
        raise MissingField(f"{field}.dimension")
    if given.dimension not in DIMENSIONS:
        raise InvalidValue(f"{field}.dimension", given.dimension, ", ".join(DIMENSIONS))
    operators = [member.value for member in PredicateOperator]
    operator = given.operator or PredicateOperator.MATCHES
    if operator not in operators:
        raise InvalidValue(f"{field}.operator", operator, ", ".join(operators))

    dimension = DIMENSIONS[given.dimension]
    if operator != PredicateOperator.MATCHES:
        if given.value is not None or given.range is not None:
            raise FilterInvalid(
                field, reason=f"the operator {operator} takes no value or range."
            )
        return Predicate(dimension, PredicateOperator(operator))
    if (given.value is None) == (given.range is None):
        raise FilterInvalid(
            field, reason="the operator matches needs either a value or a range."
        )
    if given.value is not None:
        return Predicate(dimension, PredicateOperator.MATCHES, value=given.value)
    assert given.range is not None
    bounds = NumericRange(
        given.range.gt, given.range.gte, given.range.lt, given.range.lte
    )
    if bounds == NumericRange():
        raise FilterInvalid(f"{field}.range", reason="a range needs a bound.")
    if (bounds.gt is not None and bounds.gte is not None) or (
        bounds.lt is not None and bounds.lte is not None
    ):
        raise FilterInvalid(
            f"{field}.range",
            reason="give at most one lower bound (gt or gte) and one upper bound"
            " (lt or lte).",
        )
    return Predicate(dimension, PredicateOperator.MATCHES, range=bounds)


def _views(given: Sequence[JourneyAggregationView]) -> tuple[View, ...]:
    views: list[View] = []
    for index, view in enumerate(given):
        views.append(_view(f"views[{index}]", view, views))
    return tuple(views)


def _view(field: str, given: JourneyAggregationView, earlier: list[View]) -> View:
    for part in ("target", "name", "function"):
        if getattr(given, part) in (None, ""):
            raise MissingField(f"{field}.{part}")
    assert given.target is not None and given.name is not None
    if given.target not in METRICS:
        raise InvalidValue(f"{field}.target", given.target, ", ".join(METRICS))
    functions = [member.value for member in ViewFunction]
    if given.function not in functions:
        raise InvalidValue(f"{field}.function", given.function, ", ".join(functions))
    if given.name in METRICS or any(view.name == given.name for view in earlier):
        raise ViewNameTaken(f"{field}.name", value=given.name)
    if given.range is None or (given.range.gte is None and given.range.lt is None):
        raise ViewInvalid(field, reason="rangeBound needs a range with gte or lt.")
    return View(
        given.name,
        str(given.target),
        NumericRange(gte=given.range.gte, lt=given.range.lt),
    )
