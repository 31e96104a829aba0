"""The aggregate engine: runs a query's SQL in the event store, shapes the rows.

It knows nothing of HTTP. The events stay in the database: what comes back is
one row per group and bucket, never the events themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson

from journeyapi.analytics.catalogue import METRIC_EVENT_TYPES
from journeyapi.analytics.compiler import Compiled, Dialect, compile_query
from journeyapi.analytics.query import Query
from journeyapi.models.common import format_instant

GroupKey = tuple[str | None, ...]


class EventRows(Protocol):
    """An event store that runs a statement: DuckDB's or PostgreSQL's."""

    def cursor(
        self, timeout_seconds: float | None = None
    ) -> AbstractContextManager[Any]: ...


def group_order(key: GroupKey) -> tuple[tuple[bool, str], ...]:
    """Groups sort by their values in groupBy order; a missing value sorts last."""
    return tuple((value is None, value or "") for value in key)


class AggregateEngine:
    def __init__(
        self,
        database: EventRows,
        dialect: Dialect,
        before_query: Callable[[], object] | None = None,
        timeout_seconds: float | None = None,
    ) -> None:
        self.database = database
        self.dialect = dialect
        # Runs first on every query (the outbox relay), so that an answer
        # includes every event committed before the query was asked.
        self.before_query = before_query
        # Past this the database cancels the statement (AggregateQueryTimedOut).
        self.timeout_seconds = timeout_seconds

    def run(self, query: Query) -> AggregateAnswer:
        if self.before_query is not None:
            self.before_query()
        compiled = compile_query(query, self.dialect)
        with self.database.cursor(self.timeout_seconds) as cursor:
            rows = cursor.execute(compiled.sql, compiled.params).fetchall()
        return shape(query, compiled, rows)

    async def run_async(self, query: Query) -> AggregateAnswer:
        # The drivers release the GIL while the database works; the event loop
        # stays free.
        return await asyncio.to_thread(self.run, query)


class AggregateAnswer:
    """The answer of an aggregate query, held in its wire form: JSON text.

    An hourly query over a week has thousands of group-and-hour cells, each
    with a few metrics. Written straight to JSON text they cost a fraction of
    what as many response models, or even as many dicts, cost; the text is
    exactly what the ``JourneyAggregateQueryResponse`` model serialises to.
    """

    __slots__ = ("_json",)

    def __init__(self, json: bytes) -> None:
        self._json = json

    @property
    def results(self) -> list[dict[str, Any]]:
        """One entry per group that has data (empty when nothing matched)."""
        results: list[dict[str, Any]] = self.to_wire().get("results", [])
        return results

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = orjson.loads(self._json)
        return wire

    def to_json(self) -> bytes:
        return self._json


def shape(
    query: Query, compiled: Compiled, rows: list[tuple[Any, ...]]
) -> AggregateAnswer:
    width = compiled.group_count
    column_of = {kind: index for index, kind in enumerate(compiled.event_types)}
    # Each metric's and each kept view's JSON up to its count, and where that
    # count is in a row, in the order of the answer.
    metrics = [
        (
            f'{{"metric":{_text(metric)},"stats":{{"count":',
            width + 1 + column_of[METRIC_EVENT_TYPES[metric]],
        )
        for metric in query.metrics
    ]
    views = [
        (
            f'{{"name":{_text(view.name)},"stats":{{"count":',
            width + 1 + column_of[METRIC_EVENT_TYPES[view.target]],
        )
        for view in query.views
        if view.keeps_observations
    ]

    by_group: dict[GroupKey, list[tuple[int, str]]] = {}
    intervals: dict[int, str] = {}
    for row in rows:
        cell = _cell(row, metrics, views)
        if not cell:
            continue
        index = int(row[width])
        interval = intervals.get(index)
        if interval is None:
            interval = intervals[index] = '{"interval":' + _interval(query, index)
        by_group.setdefault(tuple(row[:width]), []).append((index, interval + cell))

    results = []
    for key in sorted(by_group, key=group_order):
        cells = by_group[key]
        cells.sort(key=_first)
        data = '"data":[' + ",".join([cell for _, cell in cells]) + "]}"
        if query.group_by:
            group = {
                dimension.name: value
                for dimension, value in zip(query.group_by, key, strict=True)
                if value is not None
            }
            results.append('{"group":' + _text(group) + "," + data)
        else:
            results.append("{" + data)
    if not results:
        return AggregateAnswer(b"{}")
    return AggregateAnswer(('{"results":[' + ",".join(results) + "]}").encode())


def _cell(
    row: tuple[Any, ...], metrics: list[tuple[str, int]], views: list[tuple[str, int]]
) -> str:
    # The rest of a bucket after its interval; empty when it has no count to
    # report, for such a bucket is left out (and so is a group without any).
    cell = ""
    counted = [
        f"{head}{count}}}}}" for head, column in metrics if (count := row[column])
    ]
    if counted:
        cell = ',"metrics":[' + ",".join(counted) + "]"
    if views:
        counted = [
            f"{head}{count}}}}}" for head, column in views if (count := row[column])
        ]
        if counted:
            cell += ',"views":[' + ",".join(counted) + "]"
    return cell + "}" if cell else ""


def _interval(query: Query, index: int) -> str:
    edges = query.edges
    return _text(f"{format_instant(edges[index])}/{format_instant(edges[index + 1])}")


def _text(value: object) -> str:
    return orjson.dumps(value).decode()


def _first(item: tuple[int, str]) -> int:
    return item[0]
