"""The faults in force, shared through the database by every server process.

Each process keeps the rules it read and reads them again after
``refresh_seconds`` (a change made through this process is seen at once), so a
request that matches no fault costs no database round trip. The counts that
decide a hit (``matched``, ``fired``) are raised by atomic updates, so a rule
that fires for "the next 3 requests" fires 3 times in all, however many
processes serve them, and a seeded probability hits the same match numbers in
every run.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence

from journeyapi.clock import Clock, to_millis
from journeyapi.errors import InvalidValue, NotFound
from journeyapi.faults import store
from journeyapi.faults.rules import FaultRule, checked
from journeyapi.models.faults import Fault
from journeyapi.storage.database import Database, Row

# Where the faults are managed: never broken by a fault, so one can be removed.
ADMIN_PATH = "/api/v2/journeyapi/faults"

log = logging.getLogger(__name__)


class FaultNotFound(NotFound):
    def __init__(self, fault_id: str) -> None:
        super().__init__(entity_id=fault_id)


class FaultService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        refresh_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._rules: list[FaultRule] = []
        self._read_at: float | None = None

    def list_faults(self) -> list[Fault]:
        return [_listed(row) for row in store.all_faults(self._db)]

    def replace(self, faults: Sequence[Fault]) -> list[Fault]:
        """Put ``faults`` in force instead of the present ones, all or none."""
        rules = [
            checked(fault, str(uuid.uuid4()), position)
            for position, fault in enumerate(faults)
        ]
        with self._db.transaction():
            store.delete_all(self._db)
            for position, rule in enumerate(rules):
                self._insert(rule, position)
        self._read_at = None
        return self.list_faults()

    def add(self, fault: Fault) -> Fault:
        with self._db.transaction():
            position = store.next_position(self._db)
            rule = checked(fault, str(uuid.uuid4()), 0)
            self._insert(rule, position)
        self._read_at = None
        return rule.to_wire(0, 0)

    def remove(self, fault_id: str) -> None:
        if store.delete(self._db, fault_id) == 0:
            raise FaultNotFound(fault_id)
        self._read_at = None

    def clear(self) -> None:
        store.delete_all(self._db)
        self._read_at = None

    def strike(self, method: str, path: str) -> FaultRule | None:
        """The fault that hits this request, if any (and count it)."""
        if path.startswith(ADMIN_PATH):
            return None
        for rule in self._in_force():
            if not rule.matches(method, path):
                continue
            counts = store.count_match(self._db, rule.id)
            if counts is None:
                # Removed by another process since it was read.
                continue
            if rule.fires_on(int(counts["matched"])) and store.count_fire(
                self._db, rule.id, rule.count
            ):
                return rule
        return None

    def _in_force(self) -> list[FaultRule]:
        now = self._monotonic()
        if self._read_at is None or now - self._read_at >= self._refresh_seconds:
            rules = (_stored_rule(row) for row in store.all_faults(self._db))
            self._rules = [rule for rule in rules if rule is not None]
            self._read_at = now
        return self._rules

    def _insert(self, rule: FaultRule, position: int) -> None:
        wire = rule.to_wire(0, 0).to_wire()
        for counted in ("id", "matched", "fired"):
            wire.pop(counted, None)
        store.insert(
            self._db,
            fault_id=rule.id,
            position=position,
            definition=wire,
            created_ms=to_millis(self._clock.now()),
        )


def _definition(row: Row) -> Fault:
    return Fault.model_validate(json.loads(row["definition"]))


def _stored_rule(row: Row) -> FaultRule | None:
    """The rule of a row, or None for one stored before its checks were.

    An older server took a ``count`` or ``seed`` past what the stores can
    count with; such a rule is left out rather than failing every request.
    """
    try:
        return checked(_definition(row), str(row["id"]), 0)
    except InvalidValue as exc:
        log.warning("Fault %s is not applied: %s", row["id"], exc.message)
        return None


def _listed(row: Row) -> Fault:
    """A row as listed: a rule left out is still shown, so that it can be removed."""
    counts = {"matched": int(row["matched"]), "fired": int(row["fired"])}
    rule = _stored_rule(row)
    if rule is None:
        return _definition(row).model_copy(update={"id": str(row["id"]), **counts})
    return rule.to_wire(**counts)
