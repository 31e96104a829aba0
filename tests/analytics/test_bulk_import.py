"""The bulk import keeps and refuses exactly what the ingestion route does.

The bulk import checks lines inside DuckDB and hands the lines it does not
accept to Python; these lines probe where DuckDB's JSON parser and the route's
differ (repeated keys, NaN, trailing commas, numbers where strings belong, odd
times and segment lists), and each must end as the route would end it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from journeyapi.analytics.bulk import BulkImport
from journeyapi.analytics.events import SCHEMA, TABLE, EventStore, Ingestion, Store
from journeyapi.analytics.postgres import PostgresEventDatabase, PostgresEventStore
from journeyapi.storage.eventdb import EventDatabase
from tests.databases import PostgresDatabases

BASE = '"eventType":"sessionStarted","eventTime":"2020-11-02T10:00:00Z"'
LINES = [
    '{"id":"plain",' + BASE + ',"sessionId":"s1","journeyDeviceCategory":"desktop"}',
    '{"id":"nulls",' + BASE + ',"sessionId":null,"journeyDeviceType":null}',
    '{"id":"unknown",' + BASE + ',"colour":{"deep":[1,2]}}',
    '{"id":"first",' + BASE + ',"id":"last"}',
    '{"id":"dup-session",' + BASE + ',"sessionId":"a","sessionId":"b"}',
    '{"id":"nan",' + BASE + ',"extra":NaN}',
    '{"id":"inf",' + BASE + ',"extra":-Infinity}',
    '{"id":"comma",' + BASE + ",}",
    '{"id":"comma-list",' + BASE + ',"journeySessionSegmentId":["a",]}',
    '{"id":"huge",' + BASE + ',"extra":1e999}',
    '{"id":"number",' + BASE + ',"journeyDeviceType":5}',
    '{"id":"bool",' + BASE + ',"sessionId":true}',
    '{"id":"object",' + BASE + ',"sessionId":{"a":"b"}}',
    '{"id":7,' + BASE + "}",
    '{"id":"segments",' + BASE + ',"journeySessionSegmentId":["a","b","a"]}',
    '{"id":"segment-number",' + BASE + ',"journeySessionSegmentId":["a",5]}',
    '{"id":"segment-text",' + BASE + ',"journeySessionSegmentId":"a"}',
    '{"id":"segments-empty",' + BASE + ',"journeySessionSegmentId":[]}',
    '{"id":"escaped",' + BASE + ',"journeyDeviceType":"caf\\u00e9 \\"q\\""}',
    '{"\\u0069d":"escaped-key",' + BASE + "}",
    '{"id":"offset","eventType":"webActionOffered",'
    '"eventTime":"2020-11-02T10:00:00.123456-05:30"}',
    '{"id":"fraction","eventType":"webActionOffered",'
    '"eventTime":"2020-11-02T10:00:00.5+05:30"}',
    '{"id":"no-offset","eventType":"sessionStarted","eventTime":"2020-11-02T10:00:00"}',
    '{"id":"feb30","eventType":"sessionStarted","eventTime":"2020-02-30T10:00:00Z"}',
    '{"id":"hour24","eventType":"sessionStarted","eventTime":"2020-11-02T24:00:00Z"}',
    '{"id":"lower-z","eventType":"sessionStarted","eventTime":"2020-11-02t10:00:00z"}',
    '{"id":"kind","eventType":"nope","eventTime":"2020-11-02T10:00:00Z"}',
    '{"id":"missing-time","eventType":"sessionStarted"}',
    '{"id":"plain",' + BASE + ',"sessionId":"again"}',
    '{"id":"snake",' + BASE + ',"session_id":"s"}',
    '{"id":"crlf",' + BASE + "}\r",
    "",
    "   ",
    "{bad",
    "[1, 2]",
    "5",
    "null",
    '"text"',
    '{"id":"trailing",' + BASE + '} {"id":"more"}',
    '{"id":"nul",' + BASE + ',"journeyDeviceType":"a\\u0000b"}',
    '{"id":"surrogate",' + BASE + ',"sessionId":"\\ud800"}',
    '{"id":"year0","eventType":"sessionStarted","eventTime":"0001-01-01T00:00:00+01:00"}',
    '{"id":"year1","eventType":"sessionStarted","eventTime":"0001-01-01T00:00:00Z"}',
]


def _database(folder: Path, name: str) -> EventDatabase:
    return EventDatabase(str(folder / f"{name}.duckdb"), 1, SCHEMA)


def _stored(store: Store) -> list[tuple[Any, ...]]:
    with store.database.cursor() as cursor:
        rows = cursor.execute(f"SELECT * FROM {TABLE} ORDER BY id").fetchall()
    return [tuple(row) for row in rows]


@pytest.fixture
def stores(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], Store]]:
    """Fresh, empty event stores of this run's backend, by name."""
    if backend == "sqlite":
        yield lambda name: EventStore(_database(tmp_path, name))
        return
    made: PostgresDatabases = request.getfixturevalue("postgres_databases")
    opened: list[tuple[str, PostgresEventDatabase]] = []

    def store(name: str) -> Store:
        url = made.new()
        opened.append((url, PostgresEventDatabase(url)))
        return PostgresEventStore(opened[-1][1])

    yield store
    for url, database in opened:
        database.close()
        made.drop(url)


@pytest.mark.parametrize("chunk_lines", [len(LINES), 7])
def test_bulk_import_ends_each_line_as_the_route_does(
    stores: Callable[[str], Store], chunk_lines: int
) -> None:
    bulk_store = stores("bulk")
    bulk = BulkImport(Ingestion(bulk_store))
    found = []
    accepted = duplicates = 0
    for start in range(0, len(LINES), chunk_lines):
        chunk = "".join(line + "\n" for line in LINES[start : start + chunk_lines])
        result = bulk.add_chunk(start + 1, chunk.encode())
        accepted += result.accepted
        duplicates += result.duplicates
        found += [(item.source, item.reason) for item in result.rejected]

    # The route's way: each line parsed by orjson, each event judged by itself.
    route_store = stores("route")
    route = Ingestion(route_store)
    parsed, expected = [], []
    for number, line in enumerate(LINES, start=1):
        if not line.strip():
            continue
        try:
            parsed.append((number, orjson.loads(line)))
        except orjson.JSONDecodeError as exc:
            expected.append((number, f"not valid JSON: {exc}"))
    routed = route.add(parsed)
    expected += [(item.source, item.reason) for item in routed.rejected]

    assert sorted(found) == sorted(expected)
    assert (accepted, duplicates) == (routed.accepted, routed.duplicates)
    assert _stored(bulk_store) == _stored(route_store)
    assert accepted == 15
    assert duplicates == 1
    assert len(found) == 25
    reasons = dict(found)
    assert reasons[len(LINES) - 3] == (
        "journeyDeviceType: text without NUL (\\u0000) characters"
    )
    assert reasons[len(LINES) - 1] == (
        "eventTime: a date-time must fall between 0001-01-01 and 9999-12-31 in UTC"
    )


def test_a_chunk_without_a_last_newline_keeps_its_last_line(
    stores: Callable[[str], Store],
) -> None:
    store = stores("events")
    bulk = BulkImport(Ingestion(store))
    chunk = ('{"id":"a",' + BASE + '}\n{"id":"b",' + BASE + "}").encode()

    result = bulk.add_chunk(1, chunk)

    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, [])
    assert [row[0] for row in _stored(store)] == ["a", "b"]


def test_a_chunk_that_is_not_utf8_is_judged_line_by_line(
    stores: Callable[[str], Store],
) -> None:
    bulk = BulkImport(Ingestion(stores("events")))
    chunk = b'{"id":"a",' + BASE.encode() + b'}\n{"id":"\xff"}\n'

    result = bulk.add_chunk(10, chunk)

    assert result.accepted == 1
    assert [item.source for item in result.rejected] == [11]
    assert result.rejected[0].reason == "not UTF-8 text (byte 8 of the line)"


def test_the_hook_hears_every_valid_event_new_or_not(
    stores: Callable[[str], Store],
) -> None:
    heard: list[tuple[str, str | None]] = []
    store = stores("events")

    def hear(events: pa.Table) -> None:
        ids, sessions = events.column("id"), events.column("session_id")
        heard.extend(zip(ids.to_pylist(), sessions.to_pylist(), strict=True))

    bulk = BulkImport(Ingestion(store, on_accepted=hear))
    lines = [
        '{"id":"a",' + BASE + ',"sessionId":"first"}',
        '{"id":"b",' + BASE + ',"sessionId":null}',
        '{"id":"a",' + BASE + ',"sessionId":"second"}',
        "{bad",
    ]

    first = bulk.add_chunk(1, "".join(line + "\n" for line in lines).encode())
    again = bulk.add_chunk(1, "".join(line + "\n" for line in lines).encode())

    assert (first.accepted, first.duplicates, len(first.rejected)) == (2, 1, 1)
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 3, 1)
    # Stored or not: the hook records idempotently, so hearing them again
    # repairs what an interrupted import stored without recording.
    # (The line with a null goes through Python, after the chunk's others.)
    assert heard == [("a", "first"), ("a", "second"), ("b", None)] * 2


def test_odd_strings_and_segment_lists_are_stored_as_sent(
    stores: Callable[[str], Store],
) -> None:
    # Quotes, backslashes, commas and braces in segment ids and other values
    # must survive however the store is sent its rows.
    odd = ['a"b', "c\\d", "e,f", "{g}", "", "h i", "ö"]
    line = orjson.dumps(
        {
            "id": "odd",
            "eventType": "sessionStarted",
            "eventTime": "2020-11-02T10:00:00.123456+01:00",
            "sessionId": 'quote " and \\ back',
            "journeyDeviceType": "",
            "journeySessionSegmentId": odd,
        }
    )
    empty = orjson.dumps({"id": "empty", **orjson.loads("{" + BASE + "}"),
                          "journeySessionSegmentId": []})  # fmt: skip
    store = stores("events")
    bulk = BulkImport(Ingestion(store))

    result = bulk.add_chunk(1, line + b"\n" + empty + b"\n")

    assert (result.accepted, result.rejected) == (2, [])
    rows = {row[0]: row for row in _stored(store)}
    assert rows["odd"][2] == datetime(2020, 11, 2, 9, 0, 0, 123456)
    assert rows["odd"][3] == 'quote " and \\ back'
    assert rows["odd"][12] == ""
    assert list(rows["odd"][16]) == odd
    assert list(rows["empty"][16]) == []


def test_finishing_an_import_brings_postgresql_statistics_up_to_date(
    backend: str, stores: Callable[[str], Store]
) -> None:
    if backend != "postgresql":
        pytest.skip("runs in the PostgreSQL half of the suite (--backend postgresql)")
    store = stores("events")
    bulk = BulkImport(Ingestion(store))
    lines = "".join(f'{{"id":"e{n}",{BASE}}}\n' for n in range(50))

    bulk.add_chunk(1, lines.encode())
    bulk.finish()

    with store.database.cursor() as cursor:
        found = cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", (TABLE,)
        ).fetchone()
    # Never analysed, PostgreSQL says -1; the planner would guess.
    assert found[0] == 50


def test_a_string_longer_than_the_route_allows_is_refused(
    stores: Callable[[str], Store],
) -> None:
    bulk = BulkImport(Ingestion(stores("events")), longest=1000)
    lines = [
        '{"id":"long",' + BASE + ',"journeyDeviceType":"' + "x" * 1001 + '"}',
        # Longer than 1000 bytes as a line, but no string is: kept.
        '{"id":"fits",' + BASE + ',"journeyDeviceType":"' + "x" * 1000 + '"}',
        '{"id":"list",' + BASE + ',"journeySessionSegmentId":["' + "y" * 1001 + '"]}',
    ]

    result = bulk.add_chunk(1, "".join(line + "\n" for line in lines).encode())

    assert result.accepted == 1
    assert [(item.source, item.reason) for item in result.rejected] == [
        (1, "journeyDeviceType: strings of at most 1000 characters"),
        (3, "journeySessionSegmentId: strings of at most 1000 characters"),
    ]
