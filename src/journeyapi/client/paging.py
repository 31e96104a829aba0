"""Following a listing's links without looping or losing the place."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from journeyapi.client.errors import PagingError
from journeyapi.models.actiontargets import ActionTargetListing
from journeyapi.models.segments import SegmentAssignmentListing


def next_page_number(listing: ActionTargetListing, asked: int) -> int | None:
    """The page after ``asked``, or ``None`` on the last (or an empty) page."""
    if not listing.entities or listing.next_uri is None:
        return None
    if listing.page_count is not None and asked >= listing.page_count:
        return None
    return asked + 1


class CursorTrail:
    """The cursors a walk has followed, so that a repeated one stops it."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def next_cursor(self, listing: SegmentAssignmentListing) -> str | None:
        """The ``after`` of the next page, or ``None`` when the walk is over."""
        if not listing.entities or listing.next_uri is None:
            return None

        values = parse_qs(urlsplit(listing.next_uri).query).get("after")
        if not values or not values[0]:
            raise PagingError(f"nextUri {listing.next_uri!r} carries no 'after' cursor")
        cursor = values[0]
        if cursor in self._seen:
            raise PagingError(
                f"the server sent the cursor {cursor!r} a second time; stopping"
                " rather than reading the same pages again"
            )
        self._seen.add(cursor)
        return cursor
