"""The analytics area as one service: the event store, ingestion, the outbox
relay and the aggregate engine, wired together for one running server."""

from __future__ import annotations

from collections.abc import Sequence

from journeyapi.analytics import query as queries
from journeyapi.analytics.bulk import BulkImport
from journeyapi.analytics.compiler import Dialect, DuckDBDialect
from journeyapi.analytics.engine import AggregateAnswer, AggregateEngine
from journeyapi.analytics.errors import MissingField
from journeyapi.analytics.events import (
    SCHEMA,
    AcceptedHook,
    EventStore,
    Ingestion,
    IngestResult,
)
from journeyapi.analytics.postgres import (
    PostgresDialect,
    PostgresEventDatabase,
    PostgresEventStore,
)
from journeyapi.analytics.relay import OutboxRelay
from journeyapi.config import Settings
from journeyapi.errors import InvalidValue
from journeyapi.limits import Limits, check_items
from journeyapi.models.analytics import JourneyAggregationQuery
from journeyapi.storage.database import Database, PostgresDatabase, SqliteDatabase
from journeyapi.storage.eventdb import EventDatabase, events_path_for

MAX_EVENTS_PER_REQUEST = 10_000


class AnalyticsService:
    def __init__(
        self, db: Database, settings: Settings, on_accepted: AcceptedHook | None = None
    ) -> None:
        self.settings = settings
        self.event_database: EventDatabase | PostgresEventDatabase
        self.events: EventStore | PostgresEventStore
        dialect: Dialect
        if isinstance(db, PostgresDatabase) and not settings.events_database:
            # Every server process must see the same events: they live in the
            # shared database.
            self.event_database = PostgresEventDatabase(db.url)
            self.events = PostgresEventStore(self.event_database)
            dialect = PostgresDialect()
        else:
            path = settings.events_database
            if path is None:
                # Only PostgreSQL comes without a file, and it was handled above.
                assert isinstance(db, SqliteDatabase)
                path = events_path_for(db.path)
            self.event_database = EventDatabase(path, settings.events_threads, SCHEMA)
            self.events = EventStore(self.event_database)
            dialect = DuckDBDialect()
        self.ingestion = Ingestion(self.events, on_accepted)
        self.relay = OutboxRelay(db, self.events)
        self.limits = Limits.from_settings(settings)
        self.engine = AggregateEngine(
            self.event_database,
            dialect,
            before_query=self.relay.run,
            timeout_seconds=self.limits.aggregate_query_timeout_seconds,
        )

    def line_import(
        self, overlap: bool = False, threads: int | None = None
    ) -> BulkImport:
        """What a JSON Lines import goes through."""
        return BulkImport(self.ingestion, overlap, threads, self.limits.string_length)

    def validate(self, body: JourneyAggregationQuery | None) -> queries.Query:
        return queries.validate(
            body, self.settings.aggregate_max_interval_days, self.limits
        )

    async def aggregate(self, body: JourneyAggregationQuery | None) -> AggregateAnswer:
        return await self.engine.run_async(self.validate(body))

    def add_events(self, body: object) -> IngestResult:
        """The body of the ingestion route: ``{"events": [...]}``."""
        if not isinstance(body, dict) or "events" not in body:
            raise MissingField("events")
        items = body["events"]
        if not isinstance(items, list):
            raise InvalidValue("events", items, "a list of journey events")
        check_items("events", items, MAX_EVENTS_PER_REQUEST)
        return self.ingestion.add(enumerate(items))

    def add_items(self, items: Sequence[tuple[int, object]]) -> IngestResult:
        return self.ingestion.add(items)

    def close(self) -> None:
        self.event_database.close()
