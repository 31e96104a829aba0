"""JSON Lines into any event store, one line at a time in Python.

The embedded DuckDB store checks whole batches inside DuckDB (``bulk``); other
stores take the lines through the same per-event rules as the ingestion route:
the fast path for the plain form of an event, the model for everything else.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from journeyapi.analytics.bulk import split_lines
from journeyapi.analytics.events import (
    Batch,
    Ingestion,
    IngestResult,
    Rejection,
    row_of,
)


class LineImport:
    def __init__(self, ingestion: Ingestion) -> None:
        self.ingestion = ingestion

    def finish(self) -> None:
        """Nothing is left to wait for: each chunk is done when it returns."""

    def add_chunk(self, first: int, chunk: bytes) -> IngestResult:
        """Add the whole JSON Lines in ``chunk``; the first is line ``first``."""
        return self.add_lines(first, split_lines(chunk))

    def add_lines(self, first: int, lines: Sequence[bytes]) -> IngestResult:
        """Add the JSON Lines ``lines``; the first is line number ``first``."""
        batch = Batch()
        rejected = []
        for number, line in enumerate(lines, start=first):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                rejected.append(Rejection(number, f"not valid JSON: {exc}"))
                continue
            row = row_of(item)
            if isinstance(row, str):
                rejected.append(Rejection(number, row))
            else:
                batch.add(row, number, item)

        result = self.ingestion.add_batch(batch)
        result.rejected = rejected
        return result
