"""The aggregate engine: runs a query's SQL in the event store, shapes the rows.

It knows nothing of HTTP. The events stay in the database: what comes back is
one row per group and bucket, never the events themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from journeyapi.analytics.catalogue import METRIC_EVENT_TYPES
from journeyapi.analytics.compiler import Compiled, Dialect, compile_query
from journeyapi.analytics.query import Query
from journeyapi.models.analytics import (
    AggregateMetricData,
    AggregateViewData,
    JourneyAggregateDataContainer,
    JourneyAggregateQueryResponse,
    StatisticalResponse,
    StatisticalSummary,
)
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

    def run(self, query: Query) -> JourneyAggregateQueryResponse:
        if self.before_query is not None:
            self.before_query()
        compiled = compile_query(query, self.dialect)
        with self.database.cursor(self.timeout_seconds) as cursor:
            rows = cursor.execute(compiled.sql, compiled.params).fetchall()
        return shape(query, compiled, rows)

    async def run_async(self, query: Query) -> JourneyAggregateQueryResponse:
        # The drivers release the GIL while the database works; the event loop
        # stays free.
        return await asyncio.to_thread(self.run, query)


# The rows come from our own SQL, so the answer's models are built without
# re-validation: on an hourly query over a week that is thousands of objects.
def shape(
    query: Query, compiled: Compiled, rows: list[tuple[Any, ...]]
) -> JourneyAggregateQueryResponse:
    width = compiled.group_count
    column_of = {kind: index for index, kind in enumerate(compiled.event_types)}
    by_group: dict[GroupKey, list[tuple[int, tuple[int, ...]]]] = {}
    for row in rows:
        key: GroupKey = tuple(row[:width])
        by_group.setdefault(key, []).append((int(row[width]), row[width + 1 :]))

    results = []
    for key in sorted(by_group, key=group_order):
        data = [
            bucket
            for index, counts in sorted(by_group[key], key=lambda item: item[0])
            if (bucket := _bucket(query, index, counts, column_of)) is not None
        ]
        if not data:
            continue
        group = {
            dimension.name: value
            for dimension, value in zip(query.group_by, key, strict=True)
            if value is not None
        }
        results.append(
            JourneyAggregateDataContainer.model_construct(
                group=group if query.group_by else None, data=data
            )
        )
    return JourneyAggregateQueryResponse(results=results or None)


def _bucket(
    query: Query, index: int, counts: tuple[int, ...], column_of: dict[str, int]
) -> StatisticalResponse | None:
    metrics = [
        AggregateMetricData.model_construct(
            metric=metric, stats=StatisticalSummary.model_construct(count=count)
        )
        for metric in query.metrics
        if (count := counts[column_of[METRIC_EVENT_TYPES[metric]]])
    ]
    views = [
        AggregateViewData.model_construct(
            name=view.name, stats=StatisticalSummary.model_construct(count=count)
        )
        for view in query.views
        if view.keeps_observations
        and (count := counts[column_of[METRIC_EVENT_TYPES[view.target]]])
    ]
    if not metrics and not views:
        return None
    interval = (
        f"{format_instant(query.edges[index])}/{format_instant(query.edges[index + 1])}"
    )
    return StatisticalResponse.model_construct(
        interval=interval, metrics=metrics or None, views=views or None
    )
