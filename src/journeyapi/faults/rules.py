"""A fault rule, checked: which requests it matches and when it fires."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cached_property

from journeyapi.errors import InvalidValue
from journeyapi.models.faults import Fault

# The statuses a fault can answer with: those a client's retry logic must handle.
FAULT_STATUSES = (429, 500, 502, 503, 504)
MAX_LATENCY_MS = 60_000
MAX_RETRY_AFTER_SECONDS = 3600
# Hits are counted in a 32-bit column on PostgreSQL, and SQLite cannot even
# compare with an integer past 64 bits: a billion is as good as no end.
MAX_COUNT = 1_000_000_000
# The largest signed 64-bit integer, what SQLite and PostgreSQL (BIGINT) hold
# and 64-bit JSON readers take; a seed only names a run, so none needs more.
MAX_SEED = 2**63 - 1
METHODS = ("*", "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


@dataclass(frozen=True)
class FaultRule:
    id: str
    method: str
    path: str
    status: int | None
    retry_after_seconds: int | None
    latency_ms: int
    drop: bool
    probability: float
    seed: int
    count: int | None

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        return path_pattern(self.path)

    def matches(self, method: str, path: str) -> bool:
        if self.method != "*" and self.method != method:
            return False
        return self._pattern.fullmatch(path) is not None

    def fires_on(self, match_number: int) -> bool:
        """Whether the ``match_number``-th matched request (from 1) is hit.

        A function of the seed and the number alone, so that the same rule
        hits the same requests in every run and in every server process.
        """
        if self.probability >= 1.0:
            return True
        draw = random.Random(f"{self.seed}:{match_number}").random()
        return draw < self.probability

    def to_wire(self, matched: int, fired: int) -> Fault:
        return Fault(
            id=self.id,
            method=self.method,
            path=self.path,
            status=self.status,
            retry_after_seconds=self.retry_after_seconds,
            latency_ms=self.latency_ms,
            drop=self.drop,
            probability=self.probability,
            seed=self.seed,
            count=self.count,
            matched=matched,
            fired=fired,
        )


def path_pattern(path: str) -> re.Pattern[str]:
    """``/api/v2/journey/actiontargets/*`` as a regular expression."""
    parts = re.split(r"(\*\*|\*)", path)
    translated = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
        for part in parts
    )
    return re.compile(translated)


def _between(field: str, value: float, low: float, high: float, kind: str) -> None:
    if not low <= value <= high:
        raise InvalidValue(field, value, f"{kind} from {low} to {high}")


def checked(fault: Fault, fault_id: str, position: int) -> FaultRule:
    """The rule ``fault`` describes, or ``InvalidValue`` naming what is wrong.

    Every number gets a range the stores can hold, so that a rule accepted
    here can be counted on every later request.
    """
    where = f"faults[{position}]"
    method = _checked_method(fault, where)
    path = _checked_path(fault, where)
    latency = _checked_answer(fault, where)
    probability = 1.0 if fault.probability is None else fault.probability
    _between(f"{where}.probability", probability, 0.0, 1.0, "numbers")
    seed = fault.seed or 0
    _between(f"{where}.seed", seed, 0, MAX_SEED, "integers")
    if fault.count is not None:
        _between(f"{where}.count", fault.count, 1, MAX_COUNT, "integers")
    drop = _checked_action(fault, where, latency)

    return FaultRule(
        id=fault_id,
        method=method,
        path=path,
        status=fault.status,
        retry_after_seconds=fault.retry_after_seconds,
        latency_ms=latency,
        drop=drop,
        probability=probability,
        seed=seed,
        count=fault.count,
    )


def _checked_method(fault: Fault, where: str) -> str:
    method = (fault.method or "*").upper()
    if method not in METHODS:
        raise InvalidValue(f"{where}.method", fault.method, ", ".join(METHODS))
    return method


def _checked_path(fault: Fault, where: str) -> str:
    if not fault.path or not fault.path.startswith("/"):
        raise InvalidValue(f"{where}.path", fault.path, "paths starting with /")
    return fault.path


def _checked_answer(fault: Fault, where: str) -> int:
    """The latency (0 when absent), once it, the status and retry delay pass."""
    if fault.status is not None and fault.status not in FAULT_STATUSES:
        allowed = ", ".join(str(status) for status in FAULT_STATUSES)
        raise InvalidValue(f"{where}.status", fault.status, allowed)
    latency = fault.latency_ms or 0
    _between(f"{where}.latencyMs", latency, 0, MAX_LATENCY_MS, "integers")
    if fault.retry_after_seconds is not None:
        _between(
            f"{where}.retryAfterSeconds",
            fault.retry_after_seconds,
            0,
            MAX_RETRY_AFTER_SECONDS,
            "integers",
        )
    return latency


def _checked_action(fault: Fault, where: str, latency: int) -> bool:
    """Whether the rule drops the connection; it must do one thing or another."""
    drop = bool(fault.drop)
    if drop and fault.status is not None:
        raise InvalidValue(
            f"{where}.drop", True, "false when a status is given (one or the other)"
        )
    if not drop and fault.status is None and latency == 0:
        raise InvalidValue(
            f"{where}.status",
            "null",
            "a status, drop: true or latencyMs above 0 (a fault must do something)",
        )
    return drop
