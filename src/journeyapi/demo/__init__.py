"""The deterministic demo data set: the same ids and values on every machine."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.demo.journeys import journey_events
from journeyapi.demo.segments import load_segment_demo
from journeyapi.models.actiontargets import ActionTarget, ServiceLevel
from journeyapi.models.common import KeyValue
from journeyapi.services import Services

NAMESPACE = uuid.UUID("5a1c6a52-3f7e-4d0e-9a57-6a0f5c2b8e11")

DEMO_CLIENT_ID = str(uuid.uuid5(NAMESPACE, "demo-client"))
# Fixed so that scripts and the README can rely on it. Demo mode is for a
# developer's own machine; the server warns when it listens beyond loopback.
DEMO_CLIENT_SECRET = "journeyapi-demo-secret"
DEMO_CLIENT_NAME = "journeyapi demo client"

_EPOCH = datetime(2020, 10, 1, 9, 0, tzinfo=UTC)

# name, state, media types, service level (percentage, seconds), region
_TARGETS: tuple[tuple[str, str, tuple[str, ...], tuple[float, int], str], ...] = (
    ("Billing", "active", ("webchat", "call"), (0.8, 20), "EMEA"),
    ("Callback Desk", "active", ("callback",), (0.9, 60), "EMEA"),
    ("Claims", "inactive", ("email", "call"), (0.75, 30), "NA"),
    ("Collections", "deleted", ("call",), (0.8, 20), "NA"),
    ("Customer Care", "active", ("webchat", "messaging", "call"), (0.85, 15), "APAC"),
    ("Enterprise Accounts", "active", ("email", "generic"), (0.7, 120), "EMEA"),
    ("Onboarding", "active", ("webchat", "email"), (0.8, 20), "NA"),
    ("Outreach", "inactive", ("social", "messaging"), (0.6, 300), "APAC"),
    ("Premium Support", "active", ("webchat", "call", "callback"), (0.95, 10), "NA"),
    ("Renewals", "deleted", ("email",), (0.8, 45), "EMEA"),
    ("Retail Sales", "active", ("webchat",), (0.8, 20), "APAC"),
    ("Social Media", "active", ("social",), (0.7, 600), "EMEA"),
    ("Tech Support", "active", ("webchat", "call", "messaging"), (0.8, 20), "NA"),
    ("Warranty", "inactive", ("generic", "email"), (0.8, 60), "APAC"),
)


@dataclass(frozen=True)
class DemoSummary:
    action_targets_added: int
    client_added: bool
    journey_events_added: int = 0
    segments_added: int = 0


def demo_action_targets() -> list[ActionTarget]:
    targets = []
    for index, (name, state, media, (percentage, seconds), region) in enumerate(
        _TARGETS
    ):
        created = _EPOCH + timedelta(days=index, minutes=7 * index)
        targets.append(
            ActionTarget(
                id=str(uuid.uuid5(NAMESPACE, f"action-target/{name}")),
                name=name,
                description=f"{name} team queue",
                state=state,
                supported_media_types=list(media),
                user_data=[KeyValue(key="region", value=region)],
                service_level=ServiceLevel(
                    percentage=percentage, duration_ms=seconds * 1000
                ),
                created_date=created,
                modified_date=created + timedelta(days=30),
            )
        )
    return targets


def load_demo(services: Services) -> DemoSummary:
    """Add whatever of the demo data set is missing; never overwrite or double."""
    summary = services.action_targets.import_targets(
        demo_action_targets(), replace=False
    )
    client_added = not services.auth.client_exists(DEMO_CLIENT_ID)
    if client_added:
        services.auth.create_client(
            DEMO_CLIENT_NAME,
            permissions=ALL_PERMISSIONS,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
    segments_added = load_segment_demo(services)
    events = services.analytics.add_items(list(enumerate(journey_events())))
    return DemoSummary(summary.created, client_added, events.accepted, segments_added)
