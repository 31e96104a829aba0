"""The periodic sweep that writes lapsed assignments down as unassigned.

Reads never depend on it: a lapsed assignment reads as unassigned at its expiry
instant either way. The sweep makes the stored state (and the journey events
the analytics count) catch up.
"""

from __future__ import annotations

import asyncio
import logging

from journeyapi.segments.assignments import AssignmentService

logger = logging.getLogger(__name__)


async def sweep_forever(
    assignments: AssignmentService, interval_seconds: float
) -> None:
    """Sweep every ``interval_seconds`` until cancelled; a failed sweep is
    logged and the next one tries again."""
    while True:
        await asyncio.sleep(interval_seconds)
        try:
            swept = assignments.persist_lapsed()
        except Exception:
            logger.exception("the segment assignment expiry sweep failed")
            continue
        if swept:
            logger.info("expiry sweep: %d segment assignments lapsed", swept)
