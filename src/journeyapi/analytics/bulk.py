"""Bulk import of JSON Lines into any event store, checked inside DuckDB.

Validating every line in Python costs tens of microseconds a line; DuckDB
parses and checks a whole chunk of lines in C++, each line parsed once, and
Python never touches a good line. A chunk goes to DuckDB as one Arrow column
whose strings point into the bytes read from the file (no copy per line).

The rule applied there is the same strict subset of the event contract as the
fast path in ``events`` (strings where the contract has strings, an extended
ISO-8601 time with seconds and an offset), and it only accepts lines that every
JSON parser reads alike: no duplicated, unknown or null keys, none of the
liberties DuckDB's parser allows (NaN, Infinity, trailing commas). A line it does
not accept is handed to Python, where ``row_of`` either accepts it after all or
gives the model's reason; so which lines are kept is the same as for the
ingestion route.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import accumulate

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from journeyapi.analytics.catalogue import DIMENSIONS, EVENT_TYPES
from journeyapi.analytics.events import (
    COLUMNS,
    Batch,
    Ingestion,
    IngestResult,
    Rejection,
    long_text,
    row_of,
)

# DuckDB scans an Arrow table a record batch per thread at a time: a chunk held
# in one batch would be checked, and then inserted, on one core only.
_SCAN_ROWS = 10_000
_NAMES = ("id", "eventType", "eventTime", "sessionId", *DIMENSIONS)
_REQUIRED = 3
_SEGMENTS = _NAMES.index("journeySessionSegmentId")
_TIME = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)
# What DuckDB's JSON parser reads but the route's does not, and the type checks
# below do not already refuse: trailing commas (a line merely looking as if it
# had one is judged in Python). NaN, infinities and numbers too large for a
# double are not strings, so a line with one fails the checks of its key.
_TRAILING_COMMA = r",\s*[\]}]"


def _checked_sql() -> str:
    shape = ", ".join(
        f'"{name}": "VARCHAR[]"' if index == _SEGMENTS else f'"{name}": "VARCHAR"'
        for index, name in enumerate(_NAMES)
    )
    paths = ", ".join(f"'$.\"{name}\"'" for name in _NAMES)
    kinds = ", ".join(f"'{kind}'" for kind in sorted(EVENT_TYPES))
    # The JSON type of each value: NULL where the key is missing, 'NULL' for a
    # JSON null (judged in Python), strings where the contract has strings.
    typed = []
    for index in range(len(_NAMES)):
        kind = "ARRAY" if index == _SEGMENTS else "VARCHAR"
        wanted = f"types[{index + 1}] = '{kind}'"
        typed.append(wanted if index < _REQUIRED else f"coalesce({wanted}, true)")
    segments = f'j."{_NAMES[_SEGMENTS]}"'
    # A list of strings only, each once (Python keeps the first of each).
    segments_ok = (
        f"(types[{_SEGMENTS + 1}] IS NULL OR (list_count(list_filter(try(json_type("
        f"line, '$.\"{_NAMES[_SEGMENTS]}\"[*]')), lambda kind: kind <> 'VARCHAR'))"
        f" = 0 AND len(list_distinct({segments})) = len({segments})))"
    )
    ok = " AND ".join(
        [
            "j IS NOT NULL",
            *typed,
            # Every key of the line is one of ours, once: DuckDB would keep the
            # first of a repeated key, the route the last one.
            "keys = list_count(types)",
            f"v1 IN ({kinds})",
            f"regexp_full_match(v2, '{_TIME}')",
            "v2[1:4] BETWEEN '1001' AND '9998'",
            "event_time IS NOT NULL",
            segments_ok,
            f"NOT regexp_matches(line, '{_TRAILING_COMMA}')",
            # NUL, which no store takes, is refused in Python with its reason.
            "NOT contains(line, '\\u0000')",
        ]
    )
    time = (
        "CASE WHEN v2[-1] = 'Z' THEN try_cast(v2[1:-2] AS TIMESTAMP)"
        " ELSE try_cast(v2[1:-7] AS TIMESTAMP)"
        " - (CASE WHEN v2[-6] = '-' THEN -1 ELSE 1 END)"
        " * to_minutes(try_cast(v2[-5:-4] AS BIGINT) * 60"
        " + try_cast(v2[-2:] AS BIGINT)) END"
    )
    values = ", ".join(f'j."{name}" AS v{index}' for index, name in enumerate(_NAMES))
    columns = ", ".join(
        "event_time" if index == 2 else f"v{index} AS {column}"
        for index, column in enumerate(COLUMNS)
    )
    return (
        f"SELECT n, coalesce({ok}, false) AS ok, strlen(line) AS line_bytes,"
        f" {columns} FROM ("
        f" SELECT *, {time} AS event_time FROM ("
        f" SELECT n, line, j, types, keys, {values} FROM ("
        f" SELECT n, line, try(json_transform(line, '{{{shape}}}')) AS j,"
        f" try(json_type(line, [{paths}])) AS types,"
        " try(len(json_keys(line))) AS keys"
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
    """Chunks of JSON Lines into the event store of an ingestion.

    With ``overlap``, the hook hears of a chunk's new events on a thread of its
    own while the next chunk is checked and inserted: recording the customers
    and sessions they mention is the other half of an import's work, mostly
    spent inside the transactional database, and the databases let go of the
    interpreter while they work. At most one chunk waits for the hook;
    ``finish`` waits for it and raises what it raised.
    """

    def __init__(
        self,
        ingestion: Ingestion,
        overlap: bool = False,
        threads: int | None = None,
        longest: int = 1000,
    ) -> None:
        self.ingestion = ingestion
        # The longest string a line may hold, as for the ingestion route.
        self.longest = longest
        # Chunks are checked in a DuckDB of the import's own, in memory,
        # whichever store the events then go to.
        self._checker = duckdb.connect(
            ":memory:", config={"threads": threads or os.cpu_count() or 1}
        )
        self._hearing = ThreadPoolExecutor(1) if overlap else None
        self._heard: Future[None] | None = None

    def finish(self) -> None:
        """Wait until the hook has heard of every chunk added; let go of all."""
        try:
            if self._heard is not None:
                self._heard.result()
            self.ingestion.store.analyze()
        finally:
            self._heard = None
            if self._hearing is not None:
                self._hearing.shutdown()
                self._hearing = None
            self._checker.close()

    def _tell(self, events: pa.Table) -> None:
        hook = self.ingestion.on_accepted
        assert hook is not None
        if self._hearing is None:
            hook(events)
            return
        if self._heard is not None:
            self._heard.result()
        self._heard = self._hearing.submit(hook, events)

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
        incoming = _in_batches(pa.table({"n": numbers, "line": text}))

        self._checker.register("incoming_lines", incoming)
        try:
            checked = self._checker.sql(CHECKED_SQL).to_arrow_table(_SCAN_ROWS)
        finally:
            self._checker.unregister("incoming_lines")
        # A line no longer than the limit holds no longer string: the others
        # are measured in Python.
        short = pc.less_equal(checked.column("line_bytes"), self.longest)
        ok = pc.and_(checked.column("ok"), short)
        checked = checked.drop(["line_bytes"])
        # Filtering copies every string: most chunks need none of it.
        everyone = pc.all(ok).as_py()
        good = (checked if everyone else checked.filter(ok)).drop(["ok", "n"])
        new = self.ingestion.store.insert_table(good)

        result = IngestResult()
        result.accepted = new.num_rows
        result.duplicates = good.num_rows - result.accepted
        if self.ingestion.on_accepted is not None and good.num_rows:
            self._tell(good)
        if everyone:
            return result

        lines = split_lines(chunk)
        others = checked.filter(pc.invert(ok)).column("n").to_pylist()
        result.merge(self._by_python(first, lines, others))
        return result

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
                result.rejected.append(Rejection(number, _not_json(line, exc)))
                continue
            row = row_of(item)
            if not isinstance(row, str):
                row = long_text(row, self.longest) or row
            if isinstance(row, str):
                result.rejected.append(Rejection(number, row))
            else:
                batch.add(row)
        if len(batch):
            result.merge(self.ingestion.add_batch(batch))
        return result


def _not_json(line: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        line.decode()
    except UnicodeDecodeError as bad:
        # The parser's own words for this ("surrogates not allowed") mislead.
        return f"not UTF-8 text (byte {bad.start + 1} of the line)"
    return f"not valid JSON: {exc}"


def _in_batches(table: pa.Table) -> pa.Table:
    return pa.Table.from_batches(table.to_batches(max_chunksize=_SCAN_ROWS))


def _next_start(start: int, length: int) -> int:
    return start + length + 1


def split_lines(chunk: bytes) -> list[bytes]:
    """The lines of a chunk of JSON Lines, without their line ends."""
    lines = chunk.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines
