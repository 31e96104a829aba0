"""The transactional outbox of journey events.

Operations on the transactional store (assigning a segment, say) produce journey
events, but the events live in another database. Writing them straight there
could lose one (the change commits, the event write fails) or double one. So the
operation writes its events here, in its own transaction, and the relay moves
them to the event store; the event id makes each move idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeyapi.clock import Clock, to_millis
from journeyapi.models.events import JourneyEvent
from journeyapi.storage.database import Database


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    event: JourneyEvent


def enqueue(db: Database, clock: Clock, events: Sequence[JourneyEvent]) -> None:
    """Add ``events`` to the outbox; call it inside the causing transaction."""
    if not events:
        return
    created_ms = to_millis(clock.now())
    db.execute_many(
        "INSERT INTO journey_event_outbox (event_id, body, created_ms)"
        " VALUES (:event_id, :body, :created_ms)",
        [
            {
                "event_id": event.id,
                "body": event.to_json().decode(),
                "created_ms": created_ms,
            }
            for event in events
        ],
    )


def pending(db: Database, limit: int = 1000) -> list[PendingEvent]:
    """The oldest events not yet moved, in the order they were written."""
    rows = db.fetch_all(
        "SELECT seq, body FROM journey_event_outbox ORDER BY seq LIMIT :limit",
        {"limit": limit},
    )
    return [
        PendingEvent(int(row["seq"]), JourneyEvent.model_validate_json(row["body"]))
        for row in rows
    ]


def acknowledge(db: Database, up_to_seq: int) -> None:
    """Forget the events up to ``up_to_seq``: the event store has them."""
    db.execute("DELETE FROM journey_event_outbox WHERE seq <= :seq", {"seq": up_to_seq})
