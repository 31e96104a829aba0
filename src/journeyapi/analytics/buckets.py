"""Bucket edges: ``interval``, ``granularity`` and ``timeZone`` to UTC instants.

Calendar parts of a granularity (months, weeks, days) step on the wall clock of
the time zone, so a day is 23 or 25 hours long on a DST change and a month is as
long as the calendar says; hours and minutes step in absolute time. Edges are
computed from the start each time (start + k steps), never by chaining steps,
so a month bucket that begins on the 31st does not drift to the 28th.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# ASCII digits only: \d alone would read a full-width "P１D" as P1D.
_GRANULARITY = re.compile(
    r"P(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?",
    re.ASCII,
)

# A count of steps that no unit fits in years 1..9999 (they span under 10**7
# days, so even minutes run out first); a longer count is read as this one.
_BEYOND_CALENDAR = 10**12


@dataclass(frozen=True)
class Granularity:
    text: str
    months: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0

    @property
    def is_calendar(self) -> bool:
        return bool(self.months or self.days)


def parse_granularity(text: str) -> Granularity | None:
    """The granularity ``text`` names, or None when it is not one we support."""
    found = _GRANULARITY.fullmatch(text)
    if found is None or text.endswith("T"):
        return None
    parts = {name: _count(value) for name, value in found.groupdict().items()}
    granularity = Granularity(
        text,
        months=parts["months"],
        days=parts["weeks"] * 7 + parts["days"],
        hours=parts["hours"],
        minutes=parts["minutes"],
    )
    if not any(parts.values()):
        return None
    return granularity


def _count(digits: str | None) -> int:
    # int() refuses more than a few thousand digits, and needs none of them:
    # any count past the calendar is refused alike when the edges are made.
    significant = (digits or "").lstrip("0")
    if len(significant) > len(str(_BEYOND_CALENDAR)):
        return _BEYOND_CALENDAR
    return int(significant or 0)


class Uneven(Exception):
    """The interval is not a whole number of steps."""


class TooMany(Exception):
    """The interval holds more buckets than allowed."""


def edges(
    start: datetime,
    end: datetime,
    granularity: Granularity | None,
    zone: ZoneInfo,
    max_buckets: int,
) -> tuple[datetime, ...]:
    """Bucket edges from ``start`` to ``end`` (both included), in UTC.

    Bucket k is the half-open ``[edges[k], edges[k + 1])``.
    """
    if granularity is None:
        return (start, end)

    try:
        found = _walk(start, end, granularity, zone, max_buckets)
    except OverflowError:
        # A step that leaves the years 1..9999 (P100000M, PT999999999999H) is
        # longer than any interval inside them, and so is one from a start
        # whose wall-clock time in the zone is before year 1: no whole number
        # of steps fits the interval.
        raise Uneven() from None
    if found[-1] != end:
        raise Uneven()
    return tuple(found)


def _walk(
    start: datetime,
    end: datetime,
    granularity: Granularity,
    zone: ZoneInfo,
    max_buckets: int,
) -> list[datetime]:
    """Edges from ``start`` until one reaches ``end`` or passes it."""
    found = [start]
    local_start = start.astimezone(zone).replace(tzinfo=None)
    step = 1
    while found[-1] < end:
        if step > max_buckets:
            raise TooMany()
        found.append(_nth_edge(local_start, start, granularity, zone, step))
        step += 1
    return found


def _nth_edge(
    local_start: datetime,
    start: datetime,
    granularity: Granularity,
    zone: ZoneInfo,
    step: int,
) -> datetime:
    absolute = timedelta(
        hours=granularity.hours * step, minutes=granularity.minutes * step
    )
    if not granularity.is_calendar:
        return start + absolute
    wall = _add_months(local_start, granularity.months * step) + timedelta(
        days=granularity.days * step
    )
    return wall.replace(tzinfo=zone).astimezone(UTC) + absolute


def _add_months(wall: datetime, months: int) -> datetime:
    if not months:
        return wall
    index = wall.year * 12 + wall.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > MAXYEAR:
        # The same failure as a timedelta past the calendar, so edges() has
        # one thing to catch.
        raise OverflowError(f"year {year} is out of range")
    days_in_month = calendar.monthrange(year, month)[1]
    return wall.replace(year=year, month=month, day=min(wall.day, days_in_month))
