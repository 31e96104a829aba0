"""When to send a request again, and after how long.

A 429 is retried for every request (the server refused it before doing
anything), waiting what ``Retry-After`` says, capped at ``max_wait``. A 502,
503 or 504 and a broken connection are retried only for idempotent requests
(GET): a POST may have taken effect before the gateway gave up. All waits of
one call together stay within ``budget`` seconds; past it the error is raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from journeyapi.client.errors import parse_retry_after

_GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How the client retries.

    ``max_attempts`` counts the first try; ``max_wait`` caps one wait (also one
    ``Retry-After``); ``budget`` caps all the waits of one call; ``backoff`` is
    the first wait when the server named none, doubled on each retry.
    """

    max_attempts: int = 4
    max_wait: float = 30.0
    budget: float = 60.0
    backoff: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts counts the first try: at least 1")
        if min(self.max_wait, self.budget, self.backoff) < 0:
            raise ValueError("max_wait, budget and backoff cannot be negative")

    def delay(
        self,
        *,
        attempt: int,
        waited: float,
        idempotent: bool,
        response: httpx.Response | None,
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; ``None``: do not retry.

        ``response`` is ``None`` when the attempt failed without an answer.
        """
        if attempt >= self.max_attempts:
            return None

        if response is None or response.status_code in _GATEWAY_STATUSES:
            if not idempotent:
                return None
        elif response.status_code != 429:
            return None

        asked = None
        if response is not None:
            asked = parse_retry_after(response.headers.get("retry-after"))
        wait = asked if asked is not None else self.backoff * 2 ** (attempt - 1)
        wait = min(wait, self.max_wait)
        if waited + wait > self.budget:
            return None
        return wait


NO_RETRIES = RetryPolicy(max_attempts=1)
