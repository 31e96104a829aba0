"""The answer of the journey event ingestion route (a journeyapi extension)."""

from __future__ import annotations

from journeyapi.models.common import WireModel


class JourneyEventRejection(WireModel):
    index: int
    reason: str


class JourneyEventIngestResponse(WireModel):
    accepted: int
    duplicates: int
    rejected: list[JourneyEventRejection]
