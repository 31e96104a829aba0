"""The engine's SQL answers exactly what the reference evaluator computes,
over random events and random valid queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journeyapi.analytics.catalogue import DIMENSIONS, METRICS
from journeyapi.analytics.compiler import DuckDBDialect
from journeyapi.analytics.engine import AggregateEngine
from journeyapi.analytics.events import SCHEMA, TABLE, EventStore, Store
from journeyapi.analytics.postgres import (
    PostgresDialect,
    PostgresEventDatabase,
    PostgresEventStore,
)
from journeyapi.analytics.query import validate
from journeyapi.models.analytics import JourneyAggregationQuery
from journeyapi.models.events import EventType, JourneyEvent
from journeyapi.storage.eventdb import EventDatabase
from tests.analytics import reference
from tests.databases import PostgresDatabases

BASE = datetime(2020, 10, 20, tzinfo=UTC)
VALUES = ["a", "b", "B", "1", "2.5", "-3", "10", "x,y"]
SEGMENT_VALUES = ["s1", "s2", "s3"]
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]
SCALARS = [name for name, d in DIMENSIONS.items() if not d.multivalued]
BOUNDS = [x / 2 for x in range(-10, 30)]


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory,
    backend: str,
    request: pytest.FixtureRequest,
) -> Iterator[tuple[AggregateEngine, Store]]:
    """The engine over the event store of this run's backend, and that store."""
    if backend == "postgresql":
        made: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = made.new()
        on_postgres = PostgresEventDatabase(url)
        yield (
            AggregateEngine(on_postgres, PostgresDialect()),
            PostgresEventStore(on_postgres),
        )
        on_postgres.close()
        made.drop(url)
        return

    folder: Path = tmp_path_factory.mktemp("differential")
    database = EventDatabase(str(folder / "events.duckdb"), 1, SCHEMA)
    yield AggregateEngine(database, DuckDBDialect()), EventStore(database)
    database.close()


@st.composite
def events(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for index in range(draw(st.integers(0, 40))):
        instant = BASE + timedelta(seconds=draw(st.integers(0, 20 * 86400)))
        offset = draw(st.sampled_from([0, 60, -300, 330]))
        local = instant.astimezone(
            __import__("datetime").timezone(timedelta(minutes=offset))
        )
        event: dict[str, Any] = {
            "id": f"event-{index}",
            "eventType": draw(st.sampled_from([kind.value for kind in EventType])),
            "eventTime": local.isoformat(),
        }
        for name in draw(st.lists(st.sampled_from(SCALARS), max_size=6, unique=True)):
            event[name] = draw(st.sampled_from(VALUES))
        if draw(st.booleans()):
            event["journeySessionSegmentId"] = draw(
                st.lists(st.sampled_from(SEGMENT_VALUES), unique=True, max_size=3)
            )
        found.append(event)
    return found


@st.composite
def predicates(draw: st.DrawFn) -> dict[str, Any]:
    predicate: dict[str, Any] = {"dimension": draw(st.sampled_from(list(DIMENSIONS)))}
    operator = draw(st.sampled_from(["matches", "matches", "exists", "notExists"]))
    if operator != "matches" or draw(st.booleans()):
        predicate["operator"] = operator
    if operator == "matches":
        if draw(st.booleans()):
            predicate["value"] = draw(st.sampled_from(VALUES + SEGMENT_VALUES))
        else:
            bounds: dict[str, float] = {}
            lower = draw(st.sampled_from([None, "gt", "gte"]))
            upper = draw(
                st.sampled_from([None, "lt", "lte"] if lower else ["lt", "lte"])
            )
            for name in (lower, upper):
                if name:
                    bounds[name] = draw(st.sampled_from(BOUNDS))
            predicate["range"] = bounds
    return predicate


@st.composite
def filters(draw: st.DrawFn) -> dict[str, Any]:
    kind = st.sampled_from(["and", "or"])
    found: dict[str, Any] = {"type": draw(kind)}
    top = draw(st.lists(predicates(), max_size=3))
    clauses = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "type": kind,
                    "predicates": st.lists(predicates(), min_size=1, max_size=3),
                }
            ),
            max_size=2,
        )
    )
    if not top and not clauses:
        top = [draw(predicates())]
    if top:
        found["predicates"] = top
    if clauses:
        found["clauses"] = clauses
    return found


@st.composite
def queries(draw: st.DrawFn) -> dict[str, Any]:
    zone_name = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(zone_name)
    granularity = draw(
        st.sampled_from([None, "PT1H", "PT30M", "PT6H", "P1D", "P2D", "P1W", "P1M"])
    )
    if granularity == "P1M":
        start = datetime(2020, 10, 1, tzinfo=zone)
        steps = draw(st.integers(1, 2))
    else:
        day = BASE.date() + timedelta(days=draw(st.integers(-2, 18)))
        hour = draw(st.integers(0, 23)) if (granularity or "").startswith("PT") else 0
        start = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
        steps = draw(st.integers(1, 10))
    utc_start = start.astimezone(UTC)
    if granularity is None:
        end = utc_start + timedelta(hours=draw(st.integers(1, 24 * 20)))
    else:
        end = reference._edge(utc_start, zone, granularity, steps)

    query: dict[str, Any] = {
        "interval": f"{utc_start.isoformat()}/{end.isoformat()}",
        "metrics": draw(st.lists(st.sampled_from(METRICS), min_size=1, unique=True)),
    }
    if granularity:
        query["granularity"] = granularity
    if zone_name != "UTC" or draw(st.booleans()):
        query["timeZone"] = zone_name
    group_by = draw(
        st.lists(st.sampled_from(list(DIMENSIONS)), max_size=3, unique=True)
    )
    if group_by:
        query["groupBy"] = group_by
    if draw(st.booleans()):
        query["filter"] = draw(filters())
    if draw(st.booleans()):
        query["flattenMultivaluedDimensions"] = draw(st.booleans())
    views = []
    for index in range(draw(st.integers(0, 2))):
        bounds = draw(
            st.sampled_from([{"gte": 0}, {"gte": 1}, {"lt": 1}, {"gte": 1, "lt": 2}])
        )
        views.append(
            {
                "name": f"view{index}",
                "target": draw(st.sampled_from(METRICS)),
                "function": "rangeBound",
                "range": bounds,
            }
        )
    if views:
        query["views"] = views
    return query


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stored=events(), asked=st.lists(queries(), min_size=5, max_size=5))
def test_engine_matches_the_reference(
    stores: tuple[AggregateEngine, Store],
    stored: list[dict[str, Any]],
    asked: list[dict[str, Any]],
) -> None:
    engine, store = stores
    with engine.database.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    store.insert_events(JourneyEvent.model_validate(event) for event in stored)

    for query in asked:
        answer = engine.run(validate(JourneyAggregationQuery.model_validate(query)))
        assert answer.to_wire() == reference.evaluate(query, stored), query
