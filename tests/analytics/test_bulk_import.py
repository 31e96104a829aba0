"""The bulk import keeps and refuses exactly what the ingestion route does.

The bulk import checks lines inside DuckDB and hands the lines it does not
accept to Python; these lines probe where DuckDB's JSON parser and the route's
differ (repeated keys, NaN, trailing commas, numbers where strings belong, odd
times and segment lists), and each must end as the route would end it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from journeyapi.analytics.bulk import BulkImport
from journeyapi.analytics.events import SCHEMA, TABLE, EventStore, Ingestion
from journeyapi.storage.eventdb import EventDatabase

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
]


def _database(folder: Path, name: str) -> EventDatabase:
    return EventDatabase(str(folder / f"{name}.duckdb"), 1, SCHEMA)


def _stored(database: EventDatabase) -> list[tuple[Any, ...]]:
    with database.cursor() as cursor:
        return cursor.execute(f"SELECT * FROM {TABLE} ORDER BY id").fetchall()


@pytest.mark.parametrize("chunk_lines", [len(LINES), 7])
def test_bulk_import_ends_each_line_as_the_route_does(
    tmp_path: Path, chunk_lines: int
) -> None:
    bulk_database = _database(tmp_path, "bulk")
    bulk = BulkImport(Ingestion(EventStore(bulk_database)))
    found = []
    accepted = duplicates = 0
    for start in range(0, len(LINES), chunk_lines):
        chunk = "".join(line + "\n" for line in LINES[start : start + chunk_lines])
        result = bulk.add_chunk(start + 1, chunk.encode())
        accepted += result.accepted
        duplicates += result.duplicates
        found += [(item.source, item.reason) for item in result.rejected]

    # The route's way: each line parsed by orjson, each event judged by itself.
    route_database = _database(tmp_path, "route")
    route = Ingestion(EventStore(route_database))
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
    assert _stored(bulk_database) == _stored(route_database)
    assert accepted == 14
    assert duplicates == 1
    assert len(found) == 22


def test_a_chunk_without_a_last_newline_keeps_its_last_line(tmp_path: Path) -> None:
    database = _database(tmp_path, "events")
    bulk = BulkImport(Ingestion(EventStore(database)))
    chunk = ('{"id":"a",' + BASE + '}\n{"id":"b",' + BASE + "}").encode()

    result = bulk.add_chunk(1, chunk)

    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, [])
    assert [row[0] for row in _stored(database)] == ["a", "b"]


def test_a_chunk_that_is_not_utf8_is_judged_line_by_line(tmp_path: Path) -> None:
    database = _database(tmp_path, "events")
    bulk = BulkImport(Ingestion(EventStore(database)))
    chunk = b'{"id":"a",' + BASE.encode() + b'}\n{"id":"\xff"}\n'

    result = bulk.add_chunk(10, chunk)

    assert result.accepted == 1
    assert [item.source for item in result.rejected] == [11]
    assert result.rejected[0].reason.startswith("not valid JSON: ")


def test_the_hook_hears_each_new_event_once(tmp_path: Path) -> None:
    heard: list[tuple[str, str | None]] = []
    store = EventStore(_database(tmp_path, "events"))

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
    assert heard == [("a", "first"), ("b", None)]
