"""Ids in the URIs the API answers with: each id one path segment, as sent back."""

from __future__ import annotations

from urllib.parse import quote

_DOT_SEGMENTS = frozenset({".", ".."})


def path_segment(value: str) -> str:
    """``value`` percent-encoded as one path segment.

    "." and ".." are encoded as well: a client removes dot segments from a path
    before it sends it (RFC 3986, 5.2.4), so a ``selfUri`` holding one would
    lead to another resource.
    """
    if value in _DOT_SEGMENTS:
        return value.replace(".", "%2E")
    return quote(value, safe="")
