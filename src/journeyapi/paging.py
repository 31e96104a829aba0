"""Page-number paging: which rows a page holds, and the links of its envelope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# Genesys page numbers are 32-bit integers; past that no page holds anything.
MAX_PAGE_NUMBER = 2_147_483_647


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class PageLinks:
    first_uri: str
    self_uri: str
    last_uri: str
    next_uri: str | None
    previous_uri: str | None
    page_count: int


def page_links(path: str, page: PageRequest, total: int) -> PageLinks:
    """The envelope links of ``page`` of a listing of ``total`` items at ``path``.

    With no items there is still a page 1 (empty), so ``firstUri`` and
    ``lastUri`` point there while ``pageCount`` is 0. A page past the end has a
    link back to the page before it and none forward.
    """
    page_count = -(-total // page.size)

    def uri(number: int) -> str:
        return f"{path}?pageSize={page.size}&pageNumber={number}"

    return PageLinks(
        first_uri=uri(1),
        self_uri=uri(page.number),
        last_uri=uri(max(page_count, 1)),
        next_uri=uri(page.number + 1) if page.number < page_count else None,
        previous_uri=uri(page.number - 1) if page.number > 1 else None,
        page_count=page_count,
    )


Listing = TypeVar("Listing", bound=BaseModel)


def page_listing(
    kind: type[Listing],
    entities: Sequence[Any],
    path: str,
    page: PageRequest,
    total: int,
) -> Listing:
    """The ``kind`` envelope (``ActionTargetListing``...) of one page of ``path``."""
    links = page_links(path, page, total)
    return kind(
        entities=list(entities),
        page_size=page.size,
        page_number=page.number,
        total=total,
        first_uri=links.first_uri,
        self_uri=links.self_uri,
        next_uri=links.next_uri,
        previous_uri=links.previous_uri,
        last_uri=links.last_uri,
        page_count=links.page_count,
    )
