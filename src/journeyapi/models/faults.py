"""Injected faults (a journeyapi extension): what to break, and how often."""

from __future__ import annotations

from pydantic import StrictBool, StrictFloat, StrictInt

from journeyapi.models.common import WireModel


class Fault(WireModel):
    """One rule: requests it matches get an error, a delay, or a cut connection.

    ``path`` is a pattern: ``*`` stands for one path segment, ``**`` for any
    rest. ``probability`` is the chance a matched request is hit, decided by
    ``seed`` so that a run can be repeated; ``count`` stops the rule after that
    many hits. ``matched`` and ``fired`` are read-only counts.

    Numbers and flags are strict, as in the other bodies: ``"503"`` is not a
    status, ``1`` is not true and ``true`` is not a probability. Their ranges
    are checked with the rule (``journeyapi.faults.rules``).
    """

    id: str | None = None
    method: str | None = None
    path: str | None = None
    status: StrictInt | None = None
    retry_after_seconds: StrictInt | None = None
    latency_ms: StrictInt | None = None
    drop: StrictBool | None = None
    probability: StrictFloat | None = None
    seed: StrictInt | None = None
    count: StrictInt | None = None
    matched: int | None = None
    fired: int | None = None


class FaultListing(WireModel):
    entities: list[Fault] | None = None


class FaultSet(WireModel):
    """A faults file: the rules, in the order they are tried."""

    faults: list[Fault] | None = None
