"""The sizes a request may have, and the checks every area shares.

The HTTP edge applies the general ones (body bytes, JSON nesting, path parameter
length) before a request reaches its route. The areas apply the ones that belong
to their bodies (items in an assignment update, views, groupBy and predicates of
an aggregate query, string lengths, the aggregate query timeout) by calling
``check_items`` and ``check_length`` with the numbers in ``Limits``, so that one
setting changes a limit everywhere it applies.
"""

from __future__ import annotations

import re
from collections.abc import Sized
from dataclasses import dataclass

from journeyapi.config import Settings
from journeyapi.errors import BadRequest, FieldProblem, InvalidValue


@dataclass(frozen=True)
class Limits:
    body_bytes: int = 1_048_576
    json_depth: int = 32
    path_parameter_length: int = 256
    string_length: int = 1000
    assignment_updates: int = 10
    aggregate_views: int = 10
    aggregate_group_by: int = 10
    aggregate_predicates: int = 50
    aggregate_query_timeout_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            body_bytes=settings.max_body_bytes,
            json_depth=settings.max_json_depth,
            path_parameter_length=settings.max_path_parameter_length,
            string_length=settings.max_string_length,
            assignment_updates=settings.max_segment_assignments_per_request,
            aggregate_views=settings.max_aggregate_views,
            aggregate_group_by=settings.max_aggregate_group_by,
            aggregate_predicates=settings.max_aggregate_predicates,
            aggregate_query_timeout_seconds=settings.aggregate_query_timeout_seconds,
        )


class JsonTooDeep(BadRequest):
    template = "The JSON body is nested more than {maximum} levels deep."

    def __init__(self, maximum: int) -> None:
        super().__init__({"maximum": str(maximum)})


class TooManyItems(InvalidValue):
    """An array with more items than its limit; names the field and the limit."""

    def __init__(self, field: str, count: int, maximum: int) -> None:
        super().__init__(field, f"{count} items", f"arrays of at most {maximum} items")
        self.details = (FieldProblem(self.code, field_name=field),)


class TooLong(InvalidValue):
    def __init__(self, field: str, value: str, maximum: int) -> None:
        super().__init__(field, value, f"strings of at most {maximum} characters")


def check_items(field: str, items: Sized | None, maximum: int) -> None:
    """Refuse ``items`` (a body's array) when it holds more than ``maximum``."""
    if items is not None and len(items) > maximum:
        raise TooManyItems(field, len(items), maximum)


class HasNul(InvalidValue):
    def __init__(self, field: str, value: str) -> None:
        super().__init__(field, _escaped(value), NO_NUL)


class NotUnicode(InvalidValue):
    """A string holding a lone surrogate, which JSON can spell but UTF-8 cannot."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(field, _escaped(value), VALID_UNICODE)


NO_NUL = "text without NUL (\\u0000) characters"
VALID_UNICODE = "valid Unicode text (a lone surrogate such as \\ud800 is not)"


def _escaped(value: str) -> str:
    # As JSON would spell it: the error body must itself be valid text.
    return "".join(
        f"\\u{ord(char):04x}" if char == "\x00" or _is_surrogate(char) else char
        for char in value
    )


def _is_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def check_length(field: str, value: str | None, maximum: int) -> None:
    if value is not None and len(value) > maximum:
        raise TooLong(field, value, maximum)


def check_text(field: str, value: str, maximum: int) -> None:
    """A string of a body: within the length limit, and storable.

    No id, name or value of the API holds NUL, and PostgreSQL cannot store one
    in text; a lone surrogate cannot be written as UTF-8 by any store or by the
    error body itself. Refused here, neither reaches a route.
    """
    check_length(field, value, maximum)
    check_storable(field, value)


def check_storable(field: str, value: str) -> None:
    """Refuse NUL and lone surrogates, which no store can hold."""
    if value.isascii() and "\x00" not in value:
        return
    if "\x00" in value:
        raise HasNul(field, value)
    if any(_is_surrogate(char) for char in value):
        raise NotUnicode(field, value)


def check_strings(document: object, maximum: int) -> None:
    """Refuse a parsed JSON body holding a string longer than ``maximum``.

    Every id, name and value a body carries is a string of the document, so
    one walk applies the limit to every field of every body; the field is named
    by its path as sent (``assign.segments[0].id``; ``body[0]...`` for a body
    that is an array). Keys are held to NUL and valid Unicode only: an unknown
    key is ignored, but it may still be stored (user data) or echoed.
    """
    pending: list[tuple[str, object]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            check_text(path or "body", value, maximum)
        elif isinstance(value, dict):
            prefix = f"{path}." if path else ""
            for key, item in value.items():
                check_storable(f"{prefix}{_escaped(key)}", key)
                pending.append((f"{prefix}{key}", item))
        elif isinstance(value, list):
            base = path or "body"
            pending.extend((f"{base}[{i}]", item) for i, item in enumerate(value))


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth_exceeds(body: bytes, maximum: int) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects deeper than ``maximum``.

    Read without parsing, so that a hostile body cannot make the parser recurse:
    strings are skipped (a bracket inside one does not count), then the brackets
    are counted. Most bodies have fewer brackets than the limit and are answered
    by one count.
    """
    if body.count(b"[") + body.count(b"{") <= maximum:
        return False

    depth = 0
    for found in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if found.group() in (b"[", b"{"):
            depth += 1
            if depth > maximum:
                return True
        else:
            depth -= 1
    return False
