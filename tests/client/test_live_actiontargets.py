"""Action targets through the client, against a real server with the demo data."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from journeyapi.client import (
    UNSET,
    ActionTargetState,
    AsyncJourneyApi,
    JourneyApi,
    MediaType,
    ServiceLevel,
    action_target_patch,
)
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from tests.client.conftest import RunningServer

pytestmark = pytest.mark.conformance

DEMO = demo_action_targets()
IN_ORDER = sorted(DEMO, key=lambda target: (target.name or "", target.id or ""))


@pytest.fixture
def own_target(server: RunningServer, tmp_path: Path) -> Iterator[str]:
    """A target of the test's own, removed afterwards, so that updates leave the
    demo data (and the listing counts of other tests) alone."""
    target_id = str(uuid.uuid4())
    file = tmp_path / "targets.json"
    file.write_text(
        json.dumps(
            [
                {
                    "id": target_id,
                    "name": "Own target",
                    "state": "active",
                    "supportedMediaTypes": ["webchat"],
                    "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
                    "shortAbandonThreshold": 5,
                }
            ]
        )
    )
    server.cli("actiontargets", "import", str(file))
    yield target_id

    token = httpx.post(
        f"{server.base_url}/oauth/token",
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    removed = httpx.delete(
        f"{server.base_url}/api/v2/journey/actiontargets/{target_id}?hard=true",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert removed.status_code == 204


def test_gets_one_action_target_typed(api: JourneyApi) -> None:
    billing = DEMO[0]

    target = api.get_journey_actiontarget(billing.id or "")

    assert target.id == billing.id
    assert target.name == "Billing"
    assert target.state is ActionTargetState.ACTIVE
    assert target.supported_media_types == [MediaType.WEBCHAT, MediaType.CALL]
    assert target.service_level == ServiceLevel(percentage=0.8, duration_ms=20000)
    assert target.self_uri == f"/api/v2/journey/actiontargets/{billing.id}"
    assert target.created_date == billing.created_date


def test_lists_a_page_by_number(api: JourneyApi) -> None:
    listing = api.get_journey_actiontargets(page_number=2, page_size=5)

    assert listing.page_number == 2
    assert listing.page_size == 5
    assert listing.total == len(DEMO)
    assert listing.page_count == 3
    assert [target.id for target in listing.entities or ()] == [
        target.id for target in IN_ORDER[5:10]
    ]
    assert listing.next_uri == "/api/v2/journey/actiontargets?pageSize=5&pageNumber=3"


def test_the_default_page_is_the_first_25(api: JourneyApi) -> None:
    listing = api.get_journey_actiontargets()

    assert (listing.page_number, listing.page_size) == (1, 25)
    assert len(listing.entities or ()) == len(DEMO)
    assert listing.next_uri is None


def test_iter_action_targets_walks_every_page_once(api: JourneyApi) -> None:
    names = [target.name for target in api.iter_action_targets(page_size=4)]

    assert names == [target.name for target in IN_ORDER]


def test_iter_action_targets_in_one_page(api: JourneyApi) -> None:
    assert len(list(api.iter_action_targets(page_size=100))) == len(DEMO)


def test_patch_changes_only_the_fields_set(api: JourneyApi, own_target: str) -> None:
    target_id = own_target

    renamed = api.patch_journey_actiontarget(
        target_id, action_target_patch(name="Patched")
    )
    levelled = api.patch_journey_actiontarget(
        target_id, {"serviceLevel": {"percentage": 0.5, "durationMs": 1000}}
    )

    assert renamed.name == "Patched"
    assert renamed.service_level == ServiceLevel(percentage=0.8, duration_ms=20000)
    assert levelled.name == "Patched"
    assert levelled.service_level == ServiceLevel(percentage=0.5, duration_ms=1000)
    assert levelled.short_abandon_threshold == 5
    assert api.get_journey_actiontarget(target_id) == levelled


def test_patch_with_an_empty_body_changes_nothing(
    api: JourneyApi, own_target: str
) -> None:
    target_id = own_target
    before = api.get_journey_actiontarget(target_id)

    after = api.patch_journey_actiontarget(target_id, {})
    also = api.patch_journey_actiontarget(target_id, action_target_patch(name=UNSET))

    assert after == before
    assert also.modified_date == before.modified_date


def test_patch_sends_zero_exactly(api: JourneyApi, own_target: str) -> None:
    target_id = own_target

    updated = api.patch_journey_actiontarget(
        target_id, action_target_patch(short_abandon_threshold=0)
    )

    assert updated.short_abandon_threshold == 0


def test_the_async_client_does_the_same(server: RunningServer, own_target: str) -> None:
    target_id = own_target

    async def run() -> tuple[list[str | None], str | None, str | None, int | None]:
        async with AsyncJourneyApi(
            base_url=server.base_url,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        ) as api:
            names = [target.name async for target in api.iter_action_targets(3)]
            one = await api.get_journey_actiontarget(DEMO[0].id or "")
            patched = await api.patch_journey_actiontarget(
                target_id, action_target_patch(name="Async patched")
            )
            page = await api.get_journey_actiontargets(page_number=2, page_size=3)
            return names, one.name, patched.name, page.page_count

    names, one, patched, page_count = asyncio.run(run())

    assert names == sorted([*(target.name for target in IN_ORDER), "Own target"])
    assert one == "Billing"
    assert patched == "Async patched"
    assert page_count == 5  # 15 targets: the demo ones and this test's own
