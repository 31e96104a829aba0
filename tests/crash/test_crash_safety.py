"""Crash safety: a server killed with SIGKILL mid-burst loses no answered write.

Each writer owns one segment and writes it in turn, so for each segment the last
answered write is known, plus at most one write in flight when the process
died (which may or may not have been applied). After a restart the store must
show the last answered write or the one in flight, each whole: a PATCH changes
displayName and description together, so finding them different would be a
half-applied write. SIGTERM, by contrast, lets a request in flight finish.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.config import Settings
from journeyapi.services import Services
from journeyapi.storage import migrate
from tests.conformance.conftest import running_server

CYCLES = 20
WRITERS = 6
CONTACT_BODY = {"firstName": "Crash", "workEmail": "crash@example.com"}


@dataclass
class Writer:
    """One thread's segment: what was answered, and what may be in flight."""

    segment: str
    name: str
    assigned: bool = False
    pending_name: str | None = None
    pending_assigned: bool | None = None
    answered: int = 0
    log: list[str] = field(default_factory=list)


@pytest.fixture
def token(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    # The burst is many requests from one token: no rate limit here.
    monkeypatch.setenv("JOURNEYAPI_RATE_LIMIT_PER_MINUTE", "0")
    migrate.upgrade(database_url)
    services = Services.build(Settings(database_url=database_url))
    try:
        created = services.auth.create_client("crash", permissions=ALL_PERMISSIONS)
        return services.auth.issue_token(created.client_id, 86400).access_token
    finally:
        services.close()


def write_until_killed(
    base_url: str, headers: dict[str, str], contact: str, writer: Writer
) -> None:
    """Alternate a PATCH of the segment and an assign/unassign, until cut off."""
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
        while True:
            step = writer.answered
            try:
                if step % 2 == 0:
                    writer.pending_name = f"{writer.segment[:8]}-{time.monotonic_ns()}"
                    answer = http.patch(
                        f"/api/v2/journey/segments/{writer.segment}",
                        json={
                            "displayName": writer.pending_name,
                            "description": writer.pending_name,
                        },
                    )
                    assert answer.status_code == 200, answer.text
                    writer.name, writer.pending_name = writer.pending_name, None
                else:
                    writer.pending_assigned = not writer.assigned
                    state = "Assigned" if writer.pending_assigned else "Unassigned"
                    answer = http.post(
                        f"/api/v2/journey/externalcontacts/{contact}/segments",
                        json=[{"segmentId": writer.segment, "state": state}],
                    )
                    assert answer.status_code == 204, answer.text
                    writer.assigned = writer.pending_assigned
                    writer.pending_assigned = None
            except httpx.TransportError:
                return
            writer.answered += 1


def check_store(http: httpx.Client, contact: str, writers: list[Writer]) -> list[str]:
    problems = []
    listing = http.get(
        f"/api/v2/journey/externalcontacts/{contact}/segments",
        params={"pageSize": "200", "assignmentState": "Assigned"},
    )
    assert listing.status_code == 200, listing.text
    assigned = {entity["segment"]["id"] for entity in listing.json()["entities"]}
    for writer in writers:
        segment = http.get(f"/api/v2/journey/segments/{writer.segment}").json()
        if segment["displayName"] != segment.get("description"):
            problems.append(f"half-applied PATCH of {writer.segment}: {segment}")
        if segment["displayName"] not in (writer.name, writer.pending_name):
            problems.append(
                f"lost PATCH of {writer.segment}: {segment['displayName']} is"
                f" neither {writer.name} nor {writer.pending_name}"
            )
        is_assigned = writer.segment in assigned
        if is_assigned not in (writer.assigned, writer.pending_assigned):
            problems.append(
                f"lost assignment of {writer.segment}: assigned={is_assigned},"
                f" answered {writer.assigned}, in flight {writer.pending_assigned}"
            )
        # What the store shows is now what the next cycle builds on.
        writer.name = segment["displayName"]
        writer.assigned = is_assigned
        writer.pending_name = writer.pending_assigned = None
    return problems


def test_sigkill_mid_burst_loses_no_answered_write(
    database_url: str, token: str
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    chance = random.Random(7)
    writers: list[Writer] = []
    contact = ""
    problems: list[str] = []
    answered = 0

    for cycle in range(CYCLES):
        with running_server(database_url) as server:
            with httpx.Client(
                base_url=server.base_url, headers=headers, timeout=10
            ) as http:
                if cycle == 0:
                    contact = http.post(
                        "/api/v2/externalcontacts/contacts", json=CONTACT_BODY
                    ).json()["id"]
                    for index in range(WRITERS):
                        name = f"crash-{index}"
                        made = http.post(
                            "/api/v2/journey/segments",
                            json={
                                "displayName": name,
                                "description": name,
                                "scope": "Customer",
                            },
                        )
                        assert made.status_code == 201, made.text
                        writers.append(Writer(made.json()["id"], name))
                else:
                    problems += check_store(http, contact, writers)

            before = sum(writer.answered for writer in writers)
            threads = [
                threading.Thread(
                    target=write_until_killed,
                    args=(server.base_url, headers, contact, writer),
                )
                for writer in writers
            ]
            for thread in threads:
                thread.start()
            time.sleep(chance.uniform(0.2, 0.8))
            os.kill(server.pid, signal.SIGKILL)
            for thread in threads:
                thread.join(timeout=30)
            assert not any(thread.is_alive() for thread in threads)
            answered += sum(writer.answered for writer in writers) - before

    with (
        running_server(database_url) as server,
        httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http,
    ):
        problems += check_store(http, contact, writers)

    assert problems == []
    # The bursts did write: a run that answered nothing would prove nothing.
    assert answered >= CYCLES * WRITERS


def test_sigterm_lets_a_request_in_flight_finish(database_url: str, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    answers: list[httpx.Response] = []

    with running_server(database_url) as server:
        with httpx.Client(base_url=server.base_url, headers=headers) as http:
            fault = http.post(
                "/api/v2/journeyapi/faults",
                json={"path": "/api/v2/journey/segments", "latencyMs": 1500},
            )
            assert fault.status_code == 201, fault.text

        def slow() -> None:
            with httpx.Client(
                base_url=server.base_url, headers=headers, timeout=20
            ) as http:
                answers.append(http.get("/api/v2/journey/segments"))

        thread = threading.Thread(target=slow)
        thread.start()
        time.sleep(0.5)
        os.kill(server.pid, signal.SIGTERM)
        thread.join(timeout=20)

    assert [answer.status_code for answer in answers] == [200]
    assert answers[0].headers.get("x-journeyapi-fault") is None
    assert answers[0].json()["total"] >= 0
