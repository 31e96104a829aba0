"""Unit tests of page-number paging: offsets and envelope links."""

from __future__ import annotations

import pytest

from journeyapi.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageLinks,
    PageRequest,
    page_links,
)

PATH = "/api/v2/journey/actiontargets"


def uri(size: int, number: int) -> str:
    return f"{PATH}?pageSize={size}&pageNumber={number}"


def test_limits() -> None:
    assert DEFAULT_PAGE_SIZE == 25
    assert MAX_PAGE_SIZE == 100


def test_default_request_is_page_one_of_25() -> None:
    page = PageRequest()

    assert (page.number, page.size, page.offset) == (1, 25, 0)


@pytest.mark.parametrize(
    ("number", "size", "offset"),
    [(1, 1, 0), (2, 1, 1), (1, 25, 0), (2, 25, 25), (3, 10, 20), (5, 100, 400)],
)
def test_offset_skips_the_earlier_pages(number: int, size: int, offset: int) -> None:
    assert PageRequest(number=number, size=size).offset == offset


def test_no_items_still_has_a_page_one() -> None:
    assert page_links(PATH, PageRequest(1, 25), 0) == PageLinks(
        first_uri=uri(25, 1),
        self_uri=uri(25, 1),
        last_uri=uri(25, 1),
        next_uri=None,
        previous_uri=None,
        page_count=0,
    )


def test_no_items_past_the_end_links_back() -> None:
    assert page_links(PATH, PageRequest(3, 25), 0) == PageLinks(
        first_uri=uri(25, 1),
        self_uri=uri(25, 3),
        last_uri=uri(25, 1),
        next_uri=None,
        previous_uri=uri(25, 2),
        page_count=0,
    )


def test_first_page() -> None:
    assert page_links(PATH, PageRequest(1, 10), 25) == PageLinks(
        first_uri=uri(10, 1),
        self_uri=uri(10, 1),
        last_uri=uri(10, 3),
        next_uri=uri(10, 2),
        previous_uri=None,
        page_count=3,
    )


def test_middle_page() -> None:
    assert page_links(PATH, PageRequest(2, 10), 25) == PageLinks(
        first_uri=uri(10, 1),
        self_uri=uri(10, 2),
        last_uri=uri(10, 3),
        next_uri=uri(10, 3),
        previous_uri=uri(10, 1),
        page_count=3,
    )


def test_last_page() -> None:
    assert page_links(PATH, PageRequest(3, 10), 25) == PageLinks(
        first_uri=uri(10, 1),
        self_uri=uri(10, 3),
        last_uri=uri(10, 3),
        next_uri=None,
        previous_uri=uri(10, 2),
        page_count=3,
    )


def test_page_past_the_end() -> None:
    assert page_links(PATH, PageRequest(9, 10), 25) == PageLinks(
        first_uri=uri(10, 1),
        self_uri=uri(10, 9),
        last_uri=uri(10, 3),
        next_uri=None,
        previous_uri=uri(10, 8),
        page_count=3,
    )


def test_only_page() -> None:
    assert page_links(PATH, PageRequest(1, 25), 25) == PageLinks(
        first_uri=uri(25, 1),
        self_uri=uri(25, 1),
        last_uri=uri(25, 1),
        next_uri=None,
        previous_uri=None,
        page_count=1,
    )


@pytest.mark.parametrize(
    ("total", "size", "pages"),
    [
        (0, 1, 0),
        (1, 1, 1),
        (1, 100, 1),
        (99, 100, 1),
        (100, 100, 1),
        (101, 100, 2),
        (50, 25, 2),
        (51, 25, 3),
        (7, 1, 7),
    ],
)
def test_page_count_rounds_up(total: int, size: int, pages: int) -> None:
    links = page_links(PATH, PageRequest(1, size), total)

    assert links.page_count == pages
    assert links.last_uri == uri(size, max(pages, 1))
    assert (links.next_uri is not None) == (pages > 1)


def test_path_is_used_as_given() -> None:
    links = page_links("/x/y", PageRequest(2, 5), 20)

    assert links.self_uri == "/x/y?pageSize=5&pageNumber=2"
    assert links.first_uri == "/x/y?pageSize=5&pageNumber=1"
    assert links.previous_uri == "/x/y?pageSize=5&pageNumber=1"
    assert links.next_uri == "/x/y?pageSize=5&pageNumber=3"
    assert links.last_uri == "/x/y?pageSize=5&pageNumber=4"
