"""How many requests a token may make: fixed one-minute windows per token.

A window starts on the minute (epoch milliseconds divisible by 60 000); each
request counts against the window it arrives in, and the count starts again at
the next minute. The limiter answers with what the ``inin-ratelimit-*`` headers
report: the count so far in this window (this request included), the allowance,
and the seconds until the window resets.

Two counters stand behind one interface:

- ``MemoryRateLimiter`` keeps the counts in the process. The embedded default
  (SQLite) is always served by one process, and the hot read path then costs no
  database write.
- ``DatabaseRateLimiter`` keeps one row per token and window, raised by one
  atomic upsert, so every server process on one PostgreSQL database shares a
  token's count. The upsert runs on its own (autocommit), outside the write
  transactions and their lock: two processes raising one counter at once are
  serialised by the row itself, and nothing else waits for them.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Protocol

from journeyapi.clock import Clock, to_millis
from journeyapi.storage.database import Database

WINDOW_MS = 60_000


@dataclass(frozen=True)
class RateDecision:
    """One request's place in its token's window."""

    count: int
    allowed: int
    reset_seconds: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.allowed


class RateLimiter(Protocol):
    def hit(self, key: str) -> RateDecision | None:
        """Count one request for ``key``; ``None`` when nothing is limited."""
        ...


def _window_of(now_ms: int) -> int:
    return now_ms - now_ms % WINDOW_MS


def _reset_seconds(now_ms: int, window_start: int) -> int:
    # Rounded up, and never 0: a caller told to wait 0 seconds retries at once.
    return max(1, math.ceil((window_start + WINDOW_MS - now_ms) / 1000))


class NoRateLimit:
    def hit(self, key: str) -> RateDecision | None:
        return None


class MemoryRateLimiter:
    """Counts of the current window, in this process."""

    def __init__(self, allowed: int, clock: Clock) -> None:
        self._allowed = allowed
        self._clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateDecision:
        now_ms = to_millis(self._clock.now())
        window = _window_of(now_ms)
        with self._lock:
            if window != self._window:
                # Every count belongs to the window that just ended.
                self._window = window
                self._counts = {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
        return RateDecision(count, self._allowed, _reset_seconds(now_ms, window))


class DatabaseRateLimiter:
    """Counts in the ``rate_limit_counters`` table, shared by every process."""

    def __init__(self, allowed: int, clock: Clock, db: Database) -> None:
        self._allowed = allowed
        self._clock = clock
        self._db = db
        self._swept_window = -1

    def hit(self, key: str) -> RateDecision:
        now_ms = to_millis(self._clock.now())
        window = _window_of(now_ms)
        if window != self._swept_window:
            self._swept_window = window
            self._db.execute(
                "DELETE FROM rate_limit_counters WHERE window_start_ms < :window",
                {"window": window},
            )
        # fetch_all reads the statement to its end, so it is finished (and
        # committed) before the answer goes out.
        rows = self._db.fetch_all(
            "INSERT INTO rate_limit_counters (token_hash, window_start_ms, count)"
            " VALUES (:key, :window, 1)"
            " ON CONFLICT (token_hash, window_start_ms)"
            " DO UPDATE SET count = rate_limit_counters.count + 1"
            " RETURNING count",
            {"key": key, "window": window},
        )
        count = int(rows[0]["count"])
        return RateDecision(count, self._allowed, _reset_seconds(now_ms, window))


def rate_limiter(allowed: int, store: str, clock: Clock, db: Database) -> RateLimiter:
    """The limiter the settings ask for (``store``: auto, memory or database)."""
    if allowed == 0:
        return NoRateLimit()
    if store == "database" or (store == "auto" and db.backend == "postgresql"):
        return DatabaseRateLimiter(allowed, clock, db)
    return MemoryRateLimiter(allowed, clock)
