"""A deterministic, believable journey data set: visitors, sessions, a funnel.

Visitors come back for several sessions over four weeks. Some sessions qualify
for an action map that offers a chat with one of the demo action targets (or a
content offer); offers are accepted, rejected, ignored or time out; accepted
chats start and mostly engage; engaged sessions achieve outcomes more often,
and those outcomes are attributed to the action map that touched them. Segments
are assigned along the way. The same seed gives the same events everywhere.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count, islice
from typing import Any

from journeyapi.models.common import format_instant

NAMESPACE = uuid.UUID("0d7f3c1e-6a4b-4b8e-a5c2-93f1e7d2b604")

PERIOD_END = datetime(2020, 11, 30, tzinfo=UTC)
PERIOD_DAYS = 28
PERIOD_START = PERIOD_END - timedelta(days=PERIOD_DAYS)
DEMO_SESSIONS = 12000
SEED = 20201105


def _id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


@dataclass(frozen=True)
class ActionMap:
    id: str
    name: str
    version: str
    media_type: str
    template_id: str | None
    weight: int


# Chats offered to the demo action targets that take web chats, and one content
# offer; named after the target they route to.
ACTION_MAPS: tuple[ActionMap, ...] = tuple(
    ActionMap(_id(f"action-map/{name}"), name, version, media, template, weight)
    for name, version, media, template, weight in (
        ("Chat with Billing", "3", "webchat", None, 3),
        ("Chat with Customer Care", "5", "webchat", None, 4),
        ("Chat with Onboarding", "1", "webchat", None, 2),
        ("Chat with Premium Support", "2", "webchat", None, 1),
        ("Chat with Retail Sales", "4", "webchat", None, 3),
        ("Winter sale offer", "2", "contentOffer", _id("template/winter-sale"), 2),
    )
)
SEGMENTS: tuple[tuple[str, str], ...] = (
    (_id("segment/returning-visitor"), "Customer"),
    (_id("segment/high-value-cart"), "Session"),
    (_id("segment/mobile-browser"), "Session"),
)
OUTCOMES: tuple[str, ...] = (_id("outcome/purchase"), _id("outcome/signup"))
DEVICES: tuple[tuple[str, str, int], ...] = (
    ("desktop", "Windows PC", 50),
    ("desktop", "Mac", 20),
    ("mobile", "iPhone", 15),
    ("mobile", "Android phone", 10),
    ("tablet", "iPad", 5),
)
# Busier in the afternoon and evening than at night.
_HOUR_WEIGHTS = (
    1,
    1,
    1,
    1,
    1,
    2,
    3,
    5,
    7,
    8,
    9,
    9,
    9,
    9,
    9,
    8,
    8,
    8,
    9,
    10,
    9,
    6,
    3,
    2,
)


def journey_events(
    sessions: int | None = DEMO_SESSIONS,
    start: datetime = PERIOD_START,
    days: int = PERIOD_DAYS,
    seed: int = SEED,
) -> Iterator[dict[str, Any]]:
    """The events of ``sessions`` sessions (endless when None), in wire form."""
    rng = random.Random(seed)
    visitors = max(1, (sessions or 1_000_000) // 4)
    numbers = count() if sessions is None else range(sessions)
    serial = count()
    for number in numbers:
        visitor = rng.randrange(visitors)
        yield from _session(rng, number, visitor, start, days, serial)


def first_events(n: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Exactly ``n`` events of an endless demo stream, for benchmarks."""
    return islice(journey_events(None, seed=seed), n)


def _session(
    rng: random.Random,
    number: int,
    visitor: int,
    start: datetime,
    days: int,
    serial: Iterator[int],
) -> Iterator[dict[str, Any]]:
    day = rng.randrange(days)
    hour = rng.choices(range(24), _HOUR_WEIGHTS)[0]
    began = start + timedelta(
        days=day,
        hours=hour,
        seconds=rng.randrange(3600),
        milliseconds=rng.randrange(1000),
    )
    category, device, _ = rng.choices(DEVICES, [d[2] for d in DEVICES])[0]
    email = visitor % 5 == 0
    session: dict[str, Any] = {
        "sessionId": str(uuid.UUID(int=(0x5E55 << 112) | number)),
        "journeyCustomerId": (
            f"visitor{visitor}@example.com" if email else f"cookie-{visitor:08x}"
        ),
        "journeyCustomerIdType": "email" if email else "cookie",
        "journeyDeviceCategory": category,
        "journeyDeviceType": device,
        "journeySessionType": "web",
    }
    segments = [SEGMENTS[0][0]] if visitor % 3 == 0 else []
    if category != "desktop":
        segments.append(SEGMENTS[2][0])
    if rng.random() < 0.15:
        segments.append(SEGMENTS[1][0])
    session["journeySessionSegmentId"] = segments

    clock = [began]

    def event(kind: str, after: float, **values: Any) -> dict[str, Any]:
        clock[0] += timedelta(seconds=after)
        return {
            "id": str(uuid.UUID(int=(0xE7E7 << 112) | next(serial))),
            "eventType": kind,
            "eventTime": format_instant(clock[0]),
            **session,
            **values,
        }

    yield event("sessionStarted", 0)
    for segment_id, scope in SEGMENTS:
        if segment_id in segments and rng.random() < 0.3:
            yield event(
                "segmentAssigned",
                rng.uniform(1, 30),
                journeySegmentId=segment_id,
                journeySegmentScope=scope,
            )
    yield from _funnel(rng, event)


def _funnel(rng: random.Random, event: Any) -> Generator[dict[str, Any], None, None]:
    touched: ActionMap | None = None
    engaged = False
    if rng.random() < 0.45:
        action_map = rng.choices(ACTION_MAPS, [m.weight for m in ACTION_MAPS])[0]
        action = {
            "journeyActionId": str(uuid.UUID(int=rng.getrandbits(128))),
            "journeyActionMapId": action_map.id,
            "journeyActionMapVersion": action_map.version,
            "journeyActionMediaType": action_map.media_type,
        }
        if action_map.template_id:
            action["journeyActionTemplateId"] = action_map.template_id
        if rng.random() < 0.08:
            yield event(
                "webActionQualifiedOutsideSchedule", rng.uniform(5, 90), **action
            )
        else:
            yield event("webActionQualified", rng.uniform(5, 90), **action)
            if rng.random() < 0.8:
                touched = action_map
                yield event("webActionOffered", rng.uniform(0.5, 3), **action)
                engaged = yield from _answer(rng, event, action)
    if rng.random() < (0.35 if engaged else 0.04):
        outcome = OUTCOMES[0] if rng.random() < 0.7 else OUTCOMES[1]
        yield event("outcomeAchieved", rng.uniform(60, 900), journeyOutcomeId=outcome)
        if touched is not None:
            yield event(
                "outcomeAttributed",
                0.001,
                journeyOutcomeId=outcome,
                touchpointActionMapId=touched.id,
            )


def _answer(
    rng: random.Random, event: Any, action: dict[str, str]
) -> Generator[dict[str, Any], None, bool]:
    roll = rng.random()
    if roll < 0.3:
        yield event("webActionAccepted", rng.uniform(2, 40), **action)
        if rng.random() < 0.05:
            yield event("webActionErrored", rng.uniform(0.5, 5), **action)
            return False
        yield event("webActionStarted", rng.uniform(0.5, 5), **action)
        if rng.random() < 0.8:
            yield event("webActionEngaged", rng.uniform(5, 120), **action)
            return True
        yield event("webActionAbandoned", rng.uniform(5, 120), **action)
        return False
    if roll < 0.5:
        yield event("webActionRejected", rng.uniform(1, 20), **action)
    elif roll < 0.9:
        yield event("webActionIgnored", rng.uniform(30, 60), **action)
    else:
        yield event("webActionTimedout", 60, **action)
    return False
