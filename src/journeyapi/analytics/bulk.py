"""Bulk import of JSON Lines into the DuckDB event store, checked inside DuckDB.

Validating every line in Python costs tens of microseconds a line; DuckDB's
JSON functions check a whole batch in C++. The rule applied there is the same
strict subset of the event contract as the fast path in ``events`` (strings
where the contract has strings, an extended ISO-8601 time with seconds and an
offset). A line it does not accept is handed to Python, where ``row_of``
either accepts it after all or gives the model's reason; so which lines are
kept, and every reason reported, is the same as for the ingestion route.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import orjson
import pyarrow as pa

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
_SEGMENTS = _NAMES.index("journeySessionSegmentId") + 1
_TIME = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
)


def _checked_sql() -> str:
    paths = "[" + ", ".join(f"'$.{name}'" for name in _NAMES) + "]"
    kinds = ", ".join(f"'{kind}'" for kind in sorted(EVENT_TYPES))
    optional = [
        f"(t[{index}] IS NULL OR t[{index}] IN ('VARCHAR', 'NULL'))"
        for index in range(4, len(_NAMES) + 1)
        if index != _SEGMENTS
    ]
    segments = (
        f"(t[{_SEGMENTS}] IS NULL OR t[{_SEGMENTS}] = 'NULL' OR"
        f" (t[{_SEGMENTS}] = 'ARRAY'"
        " AND len(list_filter(seg_types, lambda k: k <> 'VARCHAR')) = 0"
        " AND len(list_distinct(segs)) = len(segs)))"
    )
    ok = " AND ".join(
        [
            "t[1] = 'VARCHAR'",
            "t[2] = 'VARCHAR'",
            "t[3] = 'VARCHAR'",
            f"s[2] IN ({kinds})",
            f"regexp_full_match(s[3], '{_TIME}')",
            "try_cast(substr(s[3], 1, 19) AS TIMESTAMP) IS NOT NULL",
            *optional,
            segments,
        ]
    )
    seg_path = "'$.journeySessionSegmentId[*]'"
    time = (
        "try_cast(substr(s[3], 1, 19) AS TIMESTAMP)"
        " + to_microseconds(coalesce(try_cast(rpad(regexp_extract(s[3],"
        " '\\.([0-9]+)', 1), 6, '0') AS BIGINT), 0))"
        " - to_minutes(CASE WHEN s[3][-1] = 'Z' THEN 0 ELSE"
        " (CASE WHEN s[3][-6] = '-' THEN -1 ELSE 1 END)"
        " * (try_cast(s[3][-5:-4] AS BIGINT) * 60"
        " + try_cast(s[3][-2:] AS BIGINT)) END)"
    )
    values = [
        "s[1] AS id",
        "s[2] AS event_type",
        f"{time} AS event_time",
        *(
            f"CASE WHEN t[{_SEGMENTS}] = 'ARRAY' THEN segs END AS {column}"
            if index + 1 == _SEGMENTS
            else f"s[{index + 1}] AS {column}"
            for index, column in enumerate(COLUMNS)
            if index >= 3
        ),
    ]
    return (
        f"SELECT n, coalesce({ok}, false) AS ok, {', '.join(values)} FROM ("
        f" SELECT n, json_type(line, {paths}) AS t,"
        f" json_extract_string(line, {paths}) AS s,"
        f" json_type(line, {seg_path}) AS seg_types,"
        f" json_extract_string(line, {seg_path}) AS segs"
        " FROM incoming_lines WHERE json_valid(line))"
    )


CHECKED_SQL = _checked_sql()


class BulkImport:
    def __init__(self, ingestion: Ingestion) -> None:
        self.ingestion = ingestion
        # Batches are checked by DuckDB's own JSON functions, so only the
        # DuckDB store can take them this way.
        assert isinstance(ingestion.store, EventStore)
        self.database = ingestion.store.database

    def add_lines(self, first: int, lines: Sequence[bytes]) -> IngestResult:
        """Add the JSON Lines ``lines``; the first is line number ``first``."""
        numbers = pa.array(range(first, first + len(lines)), type=pa.int64())
        try:
            text = pa.array(lines, type=pa.binary()).cast(pa.string())
        except pa.ArrowInvalid:
            # Not UTF-8 somewhere: let Python judge every line of this batch.
            return self._by_python(first, lines, range(first, first + len(lines)))
        incoming = pa.table({"n": numbers, "line": text})

        with self.database.write_lock:
            connection = self.database.connection()
            connection.register("incoming_lines", incoming)
            try:
                checked: pa.Table = connection.sql(CHECKED_SQL).to_arrow_table()
            finally:
                connection.unregister("incoming_lines")
            good = checked.filter(checked.column("ok")).drop(["ok"])
            inserted = self._insert(connection, good.drop(["n"]))

        result = IngestResult()
        result.accepted = len(inserted) if isinstance(inserted, list) else inserted
        result.duplicates = good.num_rows - result.accepted
        if isinstance(inserted, list):
            self._tell(first, lines, good, set(inserted))

        seen_ok = set(good.column("n").to_pylist()) if good.num_rows else set()
        others = (
            number
            for number in range(first, first + len(lines))
            if number not in seen_ok
        )
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
