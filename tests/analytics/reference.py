"""A small, obviously correct evaluator of journey aggregate queries.

It walks an in-memory list of events (in their wire form) and counts, with
nothing in common with the engine but the catalogue of names; the property
tests check that the engine's SQL gives exactly the same answers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from journeyapi.analytics.catalogue import METRIC_EVENT_TYPES

NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def edges_of(query: dict[str, Any]) -> list[datetime]:
    start_text, end_text = query["interval"].split("/")
    start, end = parse_instant(start_text), parse_instant(end_text)
    granularity = query.get("granularity")
    if granularity is None:
        return [start, end]
    zone = ZoneInfo(query.get("timeZone", "UTC"))
    found = [start]
    step = 1
    while found[-1] < end:
        found.append(_edge(start, zone, granularity, step))
        step += 1
    assert found[-1] == end, "the test built an uneven query"
    return found


def _edge(start: datetime, zone: ZoneInfo, granularity: str, step: int) -> datetime:
    number = int(re.sub(r"\D", "", granularity))
    if granularity.startswith("PT") and granularity.endswith("H"):
        return start + timedelta(hours=number * step)
    if granularity.startswith("PT"):
        return start + timedelta(minutes=number * step)
    local = start.astimezone(zone)
    if granularity.endswith("M"):
        month = local.month - 1 + number * step
        wall = datetime(local.year + month // 12, month % 12 + 1, local.day)
    else:
        days = number * (7 if granularity.endswith("W") else 1) * step
        wall = datetime(local.year, local.month, local.day) + timedelta(days=days)
    wall = wall.replace(hour=local.hour, minute=local.minute, tzinfo=zone)
    return wall.astimezone(UTC)


def _number(text: str) -> float | None:
    return float(text) if NUMBER.fullmatch(text) else None


def _in_range(text: str, bounds: dict[str, float]) -> bool:
    number = _number(text)
    if number is None:
        return False
    checks = {
        "gt": lambda bound: number > bound,
        "gte": lambda bound: number >= bound,
        "lt": lambda bound: number < bound,
        "lte": lambda bound: number <= bound,
    }
    return all(checks[name](bound) for name, bound in bounds.items())


def _holds(predicate: dict[str, Any], event: dict[str, Any]) -> bool:
    value = event.get(predicate["dimension"])
    values = value if isinstance(value, list) else ([] if value is None else [value])
    operator = predicate.get("operator", "matches")
    if operator == "exists":
        return bool(values)
    if operator == "notExists":
        return not values
    if "value" in predicate:
        return predicate["value"] in values
    return any(_in_range(entry, predicate["range"]) for entry in values)


def _combine(kind: str, results: list[bool]) -> bool:
    return all(results) if kind == "and" else any(results)


def _passes(filter_: dict[str, Any] | None, event: dict[str, Any]) -> bool:
    if filter_ is None:
        return True
    results = [_holds(p, event) for p in filter_.get("predicates", [])]
    for clause in filter_.get("clauses", []):
        results.append(
            _combine(clause["type"], [_holds(p, event) for p in clause["predicates"]])
        )
    return _combine(filter_["type"], results)


def _group_keys(query: dict[str, Any], event: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys: list[tuple[Any, ...]] = [()]
    for dimension in query.get("groupBy", []):
        value = event.get(dimension)
        if isinstance(value, list):
            if query.get("flattenMultivaluedDimensions"):
                options = [",".join(value) if value else None]
            else:
                options = list(value) or [None]
        else:
            options = [value]
        keys = [key + (option,) for key in keys for option in options]
    return keys


def evaluate(query: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    edges = edges_of(query)
    counts: dict[tuple[Any, ...], dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for event in events:
        instant = parse_instant(event["eventTime"])
        if not edges[0] <= instant < edges[-1]:
            continue
        if not _passes(query.get("filter"), event):
            continue
        bucket = bisect_right(edges, instant) - 1
        for key in _group_keys(query, event):
            counts[key][bucket][event["eventType"]] += 1

    results = []
    for key in sorted(counts, key=lambda k: [(v is None, v or "") for v in k]):
        data = []
        for bucket in sorted(counts[key]):
            by_type = counts[key][bucket]
            metrics = [
                {"metric": m, "stats": {"count": by_type[METRIC_EVENT_TYPES[m]]}}
                for m in query["metrics"]
                if by_type.get(METRIC_EVENT_TYPES[m])
            ]
            views = [
                {"name": v["name"], "stats": {"count": by_type[METRIC_EVENT_TYPES[t]]}}
                for v in query.get("views", [])
                if (t := v["target"])
                and by_type.get(METRIC_EVENT_TYPES[t])
                and v["range"].get("gte", float("-inf"))
                <= 1
                < v["range"].get("lt", float("inf"))
            ]
            if not metrics and not views:
                continue
            entry: dict[str, Any] = {
                "interval": f"{_format(edges[bucket])}/{_format(edges[bucket + 1])}"
            }
            if metrics:
                entry["metrics"] = metrics
            if views:
                entry["views"] = views
            data.append(entry)
        if not data:
            continue
        container: dict[str, Any] = {"data": data}
        if query.get("groupBy"):
            container["group"] = {
                dimension: value
                for dimension, value in zip(query["groupBy"], key, strict=True)
                if value is not None
            }
        results.append(container)
    return {"results": results} if results else {}


def _format(instant: datetime) -> str:
    return (
        instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"
    )
