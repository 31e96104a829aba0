"""A validated query to one SQL statement, for the event store's dialect.

The statement returns one row per (group, bucket) with one count per event
type the query needs; the engine shapes those rows into the answer. Everything
a database spells its own way goes through a ``Dialect``; the structure of the
statement is the same for every database.

Buckets are numbered by comparing the event time with edges computed in Python
(see ``buckets``): when the edges are evenly spaced in absolute time, by
arithmetic on the instant; otherwise by a balanced CASE tree over the edges,
a handful of comparisons per event even for a year of days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from journeyapi.analytics.catalogue import METRIC_EVENT_TYPES, Dimension
from journeyapi.analytics.events import TABLE
from journeyapi.analytics.query import (
    Clause,
    Filter,
    NumericRange,
    Predicate,
    Query,
)
from journeyapi.models.analytics import FilterType, PredicateOperator

# A dimension's text counts as a number when it is written as a plain decimal.
NUMBER_PATTERN = r"[+-]?[0-9]+(\.[0-9]+)?"


class Dialect(Protocol):
    def placeholder(self) -> str: ...

    def timestamp(self, instant: datetime) -> str: ...

    def epoch_microseconds(self, expression: str) -> str: ...

    def divide(self, numerator: str, denominator: str) -> str:
        """Integer division of two non-negative integers."""
        ...

    def as_number(self, expression: str) -> str: ...

    def has_values(self, column: str) -> str: ...

    def list_contains(self, column: str, placeholder: str) -> str: ...

    def list_any(self, column: str, variable: str, condition: str) -> str: ...

    def unnest_or_null(self, column: str) -> str: ...

    def joined(self, column: str) -> str: ...

    def count_where(self, condition: str) -> str: ...


class DuckDBDialect:
    def placeholder(self) -> str:
        return "?"

    def timestamp(self, instant: datetime) -> str:
        utc = instant.astimezone(UTC).replace(tzinfo=None)
        return f"TIMESTAMP '{utc.isoformat(sep=' ')}'"

    def epoch_microseconds(self, expression: str) -> str:
        return f"epoch_us({expression})"

    def divide(self, numerator: str, denominator: str) -> str:
        return f"(({numerator}) // ({denominator}))"

    def as_number(self, expression: str) -> str:
        return (
            f"CASE WHEN regexp_full_match({expression}, '{NUMBER_PATTERN}')"
            f" THEN CAST({expression} AS DOUBLE) END"
        )

    def has_values(self, column: str) -> str:
        return f"coalesce(len({column}), 0) > 0"

    def list_contains(self, column: str, placeholder: str) -> str:
        return f"list_contains({column}, {placeholder})"

    def list_any(self, column: str, variable: str, condition: str) -> str:
        return f"len(list_filter({column}, lambda {variable}: {condition})) > 0"

    def unnest_or_null(self, column: str) -> str:
        return (
            f"unnest(CASE WHEN len({column}) > 0 THEN {column}"
            " ELSE [NULL::VARCHAR] END)"
        )

    def joined(self, column: str) -> str:
        return f"CASE WHEN len({column}) > 0 THEN array_to_string({column}, ',') END"

    def count_where(self, condition: str) -> str:
        return f"count(*) FILTER (WHERE {condition})"


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: list[Any]
    event_types: tuple[str, ...]
    group_count: int


def needed_event_types(query: Query) -> tuple[str, ...]:
    """The event types whose counts the answer needs, in a stable order."""
    metrics = list(query.metrics) + [
        view.target for view in query.views if view.keeps_observations
    ]
    return tuple(dict.fromkeys(METRIC_EVENT_TYPES[metric] for metric in metrics))


@dataclass
class _Writer:
    dialect: Dialect
    params: list[Any] = field(default_factory=list)

    def param(self, value: Any) -> str:
        self.params.append(value)
        return self.dialect.placeholder()


def compile_query(query: Query, dialect: Dialect) -> Compiled:
    writer = _Writer(dialect)
    event_types = needed_event_types(query)

    groups = [
        f"{_group_expression(dimension, query.flatten, dialect)} AS g{index}"
        for index, dimension in enumerate(query.group_by)
    ]
    where = [
        f"event_time >= {dialect.timestamp(query.start)}",
        f"event_time < {dialect.timestamp(query.end)}",
        "event_type IN (" + ", ".join(f"'{kind}'" for kind in event_types) + ")",
    ]
    if query.filter is not None:
        where.append(_filter(query.filter, writer))

    inner = ", ".join(
        ["event_type", *groups, f"{_bucket(query.edges, dialect)} AS bucket"]
    )
    keys = [f"g{index}" for index in range(len(groups))] + ["bucket"]
    counts = [
        dialect.count_where(f"event_type = '{kind}'") + f" AS c{index}"
        for index, kind in enumerate(event_types)
    ]
    sql = (
        f"SELECT {', '.join(keys + counts)}"
        f" FROM (SELECT {inner} FROM {TABLE} WHERE {' AND '.join(where)}) AS e"
        f" GROUP BY {', '.join(keys)}"
    )
    return Compiled(sql, writer.params, event_types, len(groups))


def _group_expression(dimension: Dimension, flatten: bool, dialect: Dialect) -> str:
    if not dimension.multivalued:
        return dimension.column
    if flatten:
        return dialect.joined(dimension.column)
    return dialect.unnest_or_null(dimension.column)


def _bucket(edges: tuple[datetime, ...], dialect: Dialect) -> str:
    if len(edges) == 2:
        return "0"
    steps = {later - earlier for earlier, later in zip(edges, edges[1:], strict=False)}
    if len(steps) == 1:
        step = steps.pop()
        start = dialect.epoch_microseconds(dialect.timestamp(edges[0]))
        width = step // _MICROSECOND
        elapsed = f"{dialect.epoch_microseconds('event_time')} - {start}"
        return dialect.divide(elapsed, str(width))
    return _case_tree(edges, 0, len(edges) - 1, dialect)


def _case_tree(
    edges: tuple[datetime, ...], low: int, high: int, dialect: Dialect
) -> str:
    # Buckets low .. high - 1; the rows reaching here lie in [edges[low], edges[high]).
    if high - low == 1:
        return str(low)
    middle = (low + high) // 2
    return (
        f"CASE WHEN event_time < {dialect.timestamp(edges[middle])}"
        f" THEN {_case_tree(edges, low, middle, dialect)}"
        f" ELSE {_case_tree(edges, middle, high, dialect)} END"
    )


def _filter(given: Filter, writer: _Writer) -> str:
    parts = [_predicate(predicate, writer) for predicate in given.predicates]
    parts += [_clause(clause, writer) for clause in given.clauses]
    return _combine(given.type, parts)


def _clause(clause: Clause, writer: _Writer) -> str:
    return _combine(clause.type, [_predicate(p, writer) for p in clause.predicates])


def _combine(kind: FilterType, parts: list[str]) -> str:
    joiner = " AND " if kind == FilterType.AND else " OR "
    return "(" + joiner.join(parts) + ")"


def _predicate(predicate: Predicate, writer: _Writer) -> str:
    column = predicate.dimension.column
    dialect = writer.dialect
    many = predicate.dimension.multivalued

    if predicate.operator == PredicateOperator.EXISTS:
        return dialect.has_values(column) if many else f"{column} IS NOT NULL"
    if predicate.operator == PredicateOperator.NOT_EXISTS:
        return f"NOT ({dialect.has_values(column)})" if many else f"{column} IS NULL"
    if predicate.value is not None:
        if many:
            return dialect.list_contains(column, writer.param(predicate.value))
        return f"{column} = {writer.param(predicate.value)}"

    assert predicate.range is not None
    if many:
        condition = _in_range(dialect.as_number("v"), predicate.range, writer)
        return dialect.list_any(column, "v", condition)
    return _in_range(dialect.as_number(column), predicate.range, writer)


def _in_range(number: str, bounds: NumericRange, writer: _Writer) -> str:
    tests = []
    for bound, operator in (
        (bounds.gt, ">"),
        (bounds.gte, ">="),
        (bounds.lt, "<"),
        (bounds.lte, "<="),
    ):
        if bound is not None:
            tests.append(f"{number} {operator} {writer.param(bound)}")
    return "(" + " AND ".join(tests) + ")"


_MICROSECOND = timedelta(microseconds=1)
