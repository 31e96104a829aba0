"""Bulk import of JSON Lines into the DuckDB event store, checked inside DuckDB.

Validating every line in Python costs tens of microseconds a line; DuckDB
parses and checks a whole chunk of lines in C++, each line parsed once, and
Python never touches a good line. A chunk goes to DuckDB as one Arrow column
whose strings point into the bytes read from the file (no copy per line).

The rule applied there is the same strict subset of the event contract as the
fast path in ``events`` (strings where the contract has strings, an extended
ISO-8601 time with seconds and an offset), and it only accepts what the JSON
parser of the ingestion route accepts too: no duplicated or unknown keys, none
of the liberties DuckDB's parser allows (NaN, Infinity, trailing commas). A line
it does not accept is handed to Python, where ``row_of`` either accepts it after
all or gives the model's reason; so which lines are kept, and every reason
reported, is the same as for the ingestion route.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from journeyapi.analytics.catalogue import DIMENSIONS, EVENT_TYPES
from journeyapi.analytics.events import (
    COLUMNS,
    TABLE,
    Batch,
    EventStore,
    Ingestion,
    IngestResult,
    Rejection,
    row_of,
)
from journeyapi.models.events import JourneyEvent

_NAMES = ("id", "eventType", "eventTime", "sessionId", *DIMENSIONS)
_REQUIRED = 3
_SEGMENTS = _NAMES.index("journeySessionSegmentId")
_TIME = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
# What DuckDB's JSON parser reads but the route's does not: NaN and infinities,
# trailing commas, numbers too large for a double. A line with any of these
# (or with text merely looking like them) is judged in Python.
_QUOTE = "'\"'"
_LIBERTIES = (
    r"(?i)[:\[,]\s*[-+]?(nan|inf)|,\s*[\]}]"
    r"|[:\[,]\s*-?[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]{3}"
)


def _checked_sql() -> str:
    shape = "{" + ", ".join(f'"{name}": "JSON"' for name in _NAMES) + "}"
    field = [f'j."{name}"' for name in _NAMES]
    text = [f"{value}::VARCHAR" for value in field]
    kinds = ", ".join(f"'{kind}'" for kind in sorted(EVENT_TYPES))
    strings = [
        f"starts_with({text[index]}, {_QUOTE})"
        if index < _REQUIRED
        else f"({field[index]} IS NULL OR starts_with({text[index]}, {_QUOTE}))"
        for index in range(len(_NAMES))
        if index != _SEGMENTS
    ]
    segments = f"json_transform({field[_SEGMENTS]}, '[\"VARCHAR\"]')"
    # The array, written back, is the text read: then it held strings only.
    segments_ok = (
        f"({field[_SEGMENTS]} IS NULL OR (to_json({segments})::VARCHAR"
        f" = {text[_SEGMENTS]} AND len(list_distinct({segments}))"
        f" = len({segments})))"
    )
    # Every key of the line is a distinct one of ours, with a value: so no
    # key is repeated (DuckDB would keep the first, the route the last one).
    present = " + ".join(f"({value} IS NOT NULL)::INTEGER" for value in field)
    ok = " AND ".join(
        [
            "j IS NOT NULL",
            *strings,
            f"v1 IN ({kinds})",
            f"regexp_full_match(v2, '{_TIME}')",
            "v2[1:4] BETWEEN '1001' AND '9998'",
            "event_time IS NOT NULL",
            segments_ok,
            f"NOT regexp_matches(line, '{_LIBERTIES}')",
            f"len(json_keys(CASE WHEN j IS NOT NULL THEN line END)) = {present}",
        ]
    )
    time = (
        "CASE WHEN v2[-1] = 'Z' THEN try_cast(v2[1:-2] AS TIMESTAMP)"
        " ELSE try_cast(v2[1:-7] AS TIMESTAMP)"
        " - (CASE WHEN v2[-6] = '-' THEN -1 ELSE 1 END)"
        " * to_minutes(try_cast(v2[-5:-4] AS BIGINT) * 60"
        " + try_cast(v2[-2:] AS BIGINT)) END"
    )
    values = [
        f"CASE WHEN {field[index]} IS NOT NULL THEN {segments} END"
        if index == _SEGMENTS
        else f"json_extract_string({field[index]}, '$')"
        for index in range(len(_NAMES))
    ]
    columns = ", ".join(
        "event_time" if index == 2 else f"v{index} AS {column}"
        for index, column in enumerate(COLUMNS)
    )
    return (
        f"SELECT n, coalesce({ok}, false) AS ok, {columns} FROM ("
        f" SELECT *, {time} AS event_time FROM ("
        f" SELECT n, line, j, {', '.join(f'{v} AS v{i}' for i, v in enumerate(values))}"
        f" FROM (SELECT n, line, try(json_transform(line, '{shape}')) AS j"
        " FROM incoming_lines)))"
    )


CHECKED_SQL = _checked_sql()


def lines_of(chunk: bytes) -> pa.LargeStringArray:
    """The lines of ``chunk`` (each with its newline) as strings pointing into it.

    Raises ``pyarrow.ArrowInvalid`` when the chunk is not UTF-8.
    """
    if not chunk.endswith(b"\n"):
        chunk += b"\n"
    lengths = map(len, chunk.split(b"\n")[:-1])
    # Where each line starts, and where the last one ends.
    offsets = array("q", accumulate(lengths, _next_start, initial=0))
    lines = pa.LargeStringArray.from_buffers(
        len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(chunk)
    )
    lines.validate(full=True)
    return lines


class BulkImport:
    def __init__(self, ingestion: Ingestion) -> None:
        self.ingestion = ingestion
        # Batches are checked by DuckDB's own JSON functions, so only the
        # DuckDB store can take them this way.
        assert isinstance(ingestion.store, EventStore)
        self.database = ingestion.store.database

    def add_lines(self, first: int, lines: Sequence[bytes]) -> IngestResult:
        """Add the JSON Lines ``lines``; the first is line number ``first``."""
        ended = (line if line.endswith(b"\n") else line + b"\n" for line in lines)
        return self.add_chunk(first, b"".join(ended))

    def add_chunk(self, first: int, chunk: bytes) -> IngestResult:
        """Add the whole JSON Lines in ``chunk``; the first is line ``first``."""
        try:
            text = lines_of(chunk)
        except pa.ArrowInvalid:
            # Not UTF-8 somewhere: let Python judge every line of this chunk.
            lines = split_lines(chunk)
            return self._by_python(first, lines, range(first, first + len(lines)))
        count = len(text)
        numbers = pa.array(range(first, first + count), type=pa.int64())
        incoming = pa.table({"n": numbers, "line": text})

        with self.database.write_lock:
            connection = self.database.connection()
            connection.register("incoming_lines", incoming)
            try:
                checked: pa.Table = connection.sql(CHECKED_SQL).to_arrow_table()
            finally:
                connection.unregister("incoming_lines")
            ok = checked.column("ok")
            good = checked.filter(ok).drop(["ok"])
            inserted = self._insert(connection, good.drop(["n"]))

        result = IngestResult()
        result.accepted = len(inserted) if isinstance(inserted, list) else inserted
        result.duplicates = good.num_rows - result.accepted
        if good.num_rows == count and not isinstance(inserted, list):
            return result

        lines = split_lines(chunk)
        if isinstance(inserted, list):
            self._tell(first, lines, good, set(inserted))
        others = checked.filter(pc.invert(ok)).column("n").to_pylist()
        result.merge(self._by_python(first, lines, others))
        return result

    def _insert(
        self, connection: duckdb.DuckDBPyConnection, good: pa.Table
    ) -> list[str] | int:
        if not good.num_rows:
            return [] if self.ingestion.on_accepted else 0
        tail = " RETURNING id" if self.ingestion.on_accepted else ""
        connection.register("incoming_events", good)
        try:
            rows = connection.execute(
                f"INSERT OR IGNORE INTO {TABLE} SELECT * FROM incoming_events{tail}"
            ).fetchall()
        finally:
            connection.unregister("incoming_events")
        if tail:
            return [str(row[0]) for row in rows]
        return int(rows[0][0]) if rows else 0

    def _tell(
        self, first: int, lines: Sequence[bytes], good: pa.Table, new_ids: set[str]
    ) -> None:
        assert self.ingestion.on_accepted is not None
        accepted = []
        for event_id, number in zip(
            good.column("id").to_pylist(), good.column("n").to_pylist(), strict=True
        ):
            if event_id in new_ids:
                new_ids.discard(event_id)
                accepted.append(JourneyEvent.model_validate_json(lines[number - first]))
        if accepted:
            self.ingestion.on_accepted(accepted)

    def _by_python(
        self, first: int, lines: Sequence[bytes], numbers: Iterable[int]
    ) -> IngestResult:
        batch = Batch()
        result = IngestResult()
        for number in numbers:
            line = lines[number - first]
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                result.rejected.append(Rejection(number, f"not valid JSON: {exc}"))
                continue
            row = row_of(item)
            if isinstance(row, str):
                result.rejected.append(Rejection(number, row))
            else:
                batch.add(row, number, item)
        if len(batch):
            result.merge(self.ingestion.add_batch(batch))
        return result


def _next_start(start: int, length: int) -> int:
    return start + length + 1


def split_lines(chunk: bytes) -> list[bytes]:
    """The lines of a chunk of JSON Lines, without their line ends."""
    lines = chunk.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines
