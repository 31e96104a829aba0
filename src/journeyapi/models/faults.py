"""Injected faults (a journeyapi extension): what to break, and how often."""

from __future__ import annotations

from journeyapi.models.common import WireModel


class Fault(WireModel):
    """One rule: requests it matches get an error, a delay, or a cut connection.

    ``path`` is a pattern: ``*`` stands for one path segment, ``**`` for any
    rest. ``probability`` is the chance a matched request is hit, decided by
    ``seed`` so that a run can be repeated; ``count`` stops the rule after that
    many hits. ``matched`` and ``fired`` are read-only counts.
    """

    id: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    retry_after_seconds: int | None = None
    latency_ms: int | None = None
    drop: bool | None = None
    probability: float | None = None
    seed: int | None = None
    count: int | None = None
    matched: int | None = None
    fired: int | None = None


class FaultListing(WireModel):
    entities: list[Fault] | None = None


class FaultSet(WireModel):
    """A faults file: the rules, in the order they are tried."""

    faults: list[Fault] | None = None
