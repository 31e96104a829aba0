"""The outbox relay: moves journey events from the outbox to the event store.

Each round inserts a slice of the outbox into the event store (events already
there are ignored, by id) and only then acknowledges it. A crash between the
two leaves the slice in the outbox; the next round inserts it again, which adds
nothing, and acknowledges it. So an event is never lost and never doubled.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from journeyapi.analytics import outbox
from journeyapi.analytics.events import Store
from journeyapi.storage.database import Database

logger = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, db: Database, store: Store, batch_size: int = 1000):
        self.db = db
        self.store = store
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._stopped = False

    def run(self) -> int:
        """Move everything pending; answers how many events were new."""
        moved = 0
        with self._lock:
            if self._stopped:
                return moved
            while True:
                pending = outbox.pending(self.db, self.batch_size)
                if not pending:
                    return moved
                moved += self.store.insert_events(item.event for item in pending)
                outbox.acknowledge(self.db, pending[-1].seq)

    def stop(self) -> None:
        """Wait for a move in progress and refuse further ones. A round runs
        in a worker thread, which cancelling its task does not stop: closing
        the event store under it would fail that round half-way."""
        with self._lock:
            self._stopped = True

    async def run_periodically(self, interval_seconds: float) -> None:
        while True:
            try:
                await asyncio.to_thread(self.run)
            except Exception:
                # The outbox keeps what did not move; the next round retries.
                logger.exception("moving journey events from the outbox failed")
            await asyncio.sleep(interval_seconds)
