"""The journey event store and the ingestion of events into it.

Events are appended in columnar batches; the event ``id`` is the table's key,
so adding an event that is already there is a no-op (an import run twice counts
once, and the outbox relay may safely repeat itself).

Validation has a fast path written for bulk imports: it accepts only the
plain, common form of an event (strings where the contract has strings, an
extended ISO-8601 time with seconds and an offset). Anything else goes to the
``JourneyEvent`` model, which either accepts it after all or says why not; so
what is accepted, and every reason given, is the model's.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import ValidationError

from journeyapi.analytics.catalogue import DIMENSIONS, EVENT_TYPES
from journeyapi.limits import NO_NUL
from journeyapi.models.common import first_problem
from journeyapi.models.events import JourneyEvent
from journeyapi.storage.eventdb import EventDatabase

TABLE = "journey_events"
FIXED_COLUMNS = ("id", "event_type", "event_time", "session_id")
COLUMNS = FIXED_COLUMNS + tuple(dimension.column for dimension in DIMENSIONS.values())
_WIRE_NAMES = ("id", "eventType", "eventTime", "sessionId", *DIMENSIONS)
_OPTIONAL_NAMES = _WIRE_NAMES[3:]
_SEGMENTS_NAME = _OPTIONAL_NAMES[_OPTIONAL_NAMES.index("journeySessionSegmentId")]
_SEGMENTS_INDEX = COLUMNS.index("journey_session_segment_id")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id VARCHAR PRIMARY KEY,
    event_type VARCHAR NOT NULL,
    event_time TIMESTAMP NOT NULL,
    session_id VARCHAR,
    {
    ", ".join(
        f"{d.column} {'VARCHAR[]' if d.multivalued else 'VARCHAR'}"
        for d in DIMENSIONS.values()
    )
}
)
"""

ARROW_SCHEMA = pa.schema(
    [
        pa.field(column, pa.list_(pa.string()) if index == _SEGMENTS_INDEX else kind)
        for index, (column, kind) in enumerate(
            (column, pa.timestamp("us") if column == "event_time" else pa.string())
            for column in COLUMNS
        )
    ]
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# The instants a datetime can hold in UTC: an offset may carry a local time
# just inside them to one just outside (0001-01-01T00:30+01:00).
_FIRST_MICROSECOND = (datetime.min.replace(tzinfo=UTC) - EPOCH) // _MICROSECOND
_LAST_MICROSECOND = (datetime.max.replace(tzinfo=UTC) - EPOCH) // _MICROSECOND
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)")

Row = tuple[Any, ...]
# Told every valid event of a batch, whether new or stored already, as stored
# columns in the order they came.
AcceptedHook = Callable[[pa.Table], None]


def row_of(item: object) -> Row | str:
    """The stored row of one event, or the reason it is refused."""
    row = _fast_row(item)
    if row is None:
        try:
            event = JourneyEvent.model_validate(item)
        except ValidationError as exc:
            return first_problem(exc)
        row = row_of_event(event)
    return _text_problem(row) or row


def long_text(row: Row, longest: int) -> str | None:
    """Why the row is refused for a string longer than ``longest``, if it is."""
    for name, text in _strings(row):
        if len(text) > longest:
            return f"{name}: strings of at most {longest} characters"
    return None


def _text_problem(row: Row) -> str | None:
    """Why a string of the row cannot be stored, if one cannot.

    PostgreSQL text holds no NUL, and no store takes a lone surrogate (which
    JSON's \\u escapes can spell but UTF-8 cannot).
    """
    for name, text in _strings(row):
        if text.isascii() and "\x00" not in text:
            continue
        if "\x00" in text:
            return f"{name}: {NO_NUL}"
        try:
            text.encode()
        except UnicodeEncodeError:
            return f"{name}: text must be valid Unicode (a lone surrogate is not)"
    return None


def _strings(row: Row) -> Iterator[tuple[str, str]]:
    """Each string of the row, segment ids one by one, with its wire name."""
    for name, value in zip(_WIRE_NAMES, row, strict=True):
        for text in value if type(value) is list else (value,):
            if type(text) is str:
                yield name, text


def row_of_event(event: JourneyEvent) -> Row:
    wire = event.model_dump(by_alias=True)
    values = [wire[name] for name in _WIRE_NAMES]
    values[2] = (event.event_time - EPOCH) // _MICROSECOND
    values[1] = str(event.event_type.value)
    values[_SEGMENTS_INDEX] = _distinct(values[_SEGMENTS_INDEX])
    return tuple(values)


def _fast_row(item: object) -> Row | None:
    # Plain type checks, cheapest first: this runs for every line of an import.
    if type(item) is not dict:
        return None
    get = item.get
    event_id, event_type, event_time = get("id"), get("eventType"), get("eventTime")
    if type(event_id) is not str or type(event_type) is not str:
        return None
    if event_type not in EVENT_TYPES or type(event_time) is not str:
        return None
    if _TIME.fullmatch(event_time) is None:
        return None
    try:
        instant = datetime.fromisoformat(event_time)
    except ValueError:
        return None
    microseconds = (instant - EPOCH) // _MICROSECOND
    if not _FIRST_MICROSECOND <= microseconds <= _LAST_MICROSECOND:
        return None
    values: list[Any] = [event_id, event_type, microseconds]
    for name in _OPTIONAL_NAMES:
        value = get(name)
        if value is None:
            pass
        elif name is _SEGMENTS_NAME:
            if type(value) is not list or any(type(v) is not str for v in value):
                return None
            value = _distinct(value)
        elif type(value) is not str:
            return None
        values.append(value)
    return tuple(values)


def _distinct(values: list[str] | None) -> list[str] | None:
    # The segments present in a session form a set; order of first mention kept.
    if values is None or len(set(values)) == len(values):
        return values
    return list(dict.fromkeys(values))


@dataclass
class Batch:
    """Events to add, as stored rows."""

    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def table(self) -> pa.Table:
        if not self.rows:
            return ARROW_SCHEMA.empty_table()
        # Rows to columns in one pass of C code, then one Arrow array per column.
        columns = zip(*self.rows, strict=True)
        return pa.Table.from_arrays(
            [
                pa.array(values, type=ARROW_SCHEMA.field(index).type)
                for index, values in enumerate(columns)
            ],
            schema=ARROW_SCHEMA,
        )


class Store(ABC):
    """An event store on any database: each adds its own way to ``insert``."""

    # The store's database: anything whose ``cursor()`` runs a statement.
    database: Any

    @abstractmethod
    def insert_table(self, events: pa.Table) -> pa.Table:
        """Add the new ones of ``events`` (``ARROW_SCHEMA``); answers them.

        An id that comes twice is new once, at its first sight, as for
        ``new_of``.
        """

    @abstractmethod
    def analyze(self) -> None:
        """Bring the planner's statistics up to date, after a bulk import."""

    def insert_events(self, events: Iterable[JourneyEvent]) -> int:
        """Add the events that are new; answers how many were."""
        batch = Batch([row_of_event(event) for event in events])
        return int(self.insert_table(batch.table()).num_rows)

    def count(self) -> int:
        with self.database.cursor() as cursor:
            found = cursor.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
        return int(found[0]) if found else 0


class EventStore(Store):
    """The embedded store: DuckDB, fed with Arrow tables."""

    def __init__(self, database: EventDatabase) -> None:
        self.database = database

    def analyze(self) -> None:
        """Nothing to do: DuckDB keeps its statistics up to date as it writes."""

    def insert_table(self, events: pa.Table) -> pa.Table:
        if not events.num_rows:
            return events
        with self.database.write_lock:
            connection = self.database.connection()
            connection.register("incoming_events", events)
            try:
                # Most imported chunks are all new: a plain insert is twice as
                # fast as one that looks for conflicts, and fails at once on the
                # first one.
                try:
                    connection.execute(
                        f"INSERT INTO {TABLE} SELECT * FROM incoming_events"
                    )
                except duckdb.ConstraintException:
                    pass
                else:
                    return events
                # Some are stored already, or come twice.
                rows = connection.execute(
                    f"INSERT OR IGNORE INTO {TABLE} SELECT * FROM incoming_events"
                    " RETURNING id"
                ).fetchall()
            finally:
                connection.unregister("incoming_events")
        return new_of(events, {str(row[0]) for row in rows})


@dataclass(frozen=True)
class Rejection:
    source: int
    reason: str


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def merge(self, other: IngestResult) -> None:
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)


class Ingestion:
    """Validates events one by one, keeps the good ones, reports the others.

    ``on_accepted`` is told about every valid event, so that the customers and
    sessions they mention are recorded on the way. Recording is idempotent, and
    telling it of events stored already too means that sending them again
    repairs what an interrupted import stored without recording.
    """

    def __init__(self, store: Store, on_accepted: AcceptedHook | None = None):
        self.store = store
        self.on_accepted = on_accepted

    def add(self, items: Iterable[tuple[int, object]]) -> IngestResult:
        """``items`` are (source, event) pairs; a source is an index or a line."""
        batch = Batch()
        rejected = []
        for source, item in items:
            row = row_of(item)
            if isinstance(row, str):
                rejected.append(Rejection(source, row))
            else:
                batch.add(row)
        result = self.add_batch(batch)
        result.rejected = rejected
        return result

    def add_batch(self, batch: Batch) -> IngestResult:
        """Store the valid events of ``batch``; answers accepted and duplicates."""
        events = batch.table()
        new = self.store.insert_table(events)
        if self.on_accepted is not None and events.num_rows:
            self.on_accepted(events)
        return IngestResult(accepted=new.num_rows, duplicates=len(batch) - new.num_rows)


def new_of(events: pa.Table, new_ids: set[str]) -> pa.Table:
    """The rows of ``events`` whose ids are new, each at its first sight.

    An id that comes twice in one batch is new once. ``new_ids`` is used up.
    """
    keep = []
    for event_id in events.column("id").to_pylist():
        keep.append(event_id in new_ids)
        new_ids.discard(event_id)
    return events.filter(pa.array(keep, type=pa.bool_()))
