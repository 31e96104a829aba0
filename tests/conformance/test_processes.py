"""Several server processes against one PostgreSQL database behave as one service."""

from __future__ import annotations

import base64
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from tests.conformance.conftest import RunningServer, running_server
from tests.databases import PostgresDatabases

pytestmark = pytest.mark.conformance

TARGET_ID = str(demo_action_targets()[0].id)


@pytest.fixture
def shared_database(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend != "postgresql":
        pytest.skip(
            "several processes share a PostgreSQL database; this runs in the "
            "PostgreSQL half of the suite (--backend postgresql)"
        )
    made: PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.new()
    yield url
    made.drop(url)


def call(
    server: RunningServer,
    path: str,
    *,
    token: str | None = None,
    method: str = "GET",
    body: object = None,
) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        server.base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def token_from(server: RunningServer) -> str:
    request = urllib.request.Request(
        server.base_url + "/oauth/token",
        data=b"grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    request.add_unredirected_header(
        "Authorization",
        "Basic "
        + base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode(),
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        token: str = json.loads(answer.read())["access_token"]
    return token


def test_two_servers_on_one_database_are_one_service(shared_database: str) -> None:
    with (
        running_server(shared_database) as first,
        running_server(shared_database) as second,
    ):
        token = token_from(first)

        assert call(second, "/api/v2/journey/actiontargets", token=token)[0] == 200

        status, patched = call(
            first,
            f"/api/v2/journey/actiontargets/{TARGET_ID}",
            token=token,
            method="PATCH",
            body={"name": "Billing (both)"},
        )
        assert (status, patched["name"]) == (200, "Billing (both)")
        status, read = call(
            second, f"/api/v2/journey/actiontargets/{TARGET_ID}", token=token
        )
        assert (status, read["name"], read["modifiedDate"]) == (
            200,
            "Billing (both)",
            patched["modifiedDate"],
        )

        # Both loaded the demo data at start; neither doubled it.
        status, listing = call(second, "/api/v2/journey/actiontargets", token=token)
        assert (status, listing["total"]) == (200, len(demo_action_targets()))


def test_serve_with_two_workers_runs_two_processes(shared_database: str) -> None:
    with running_server(shared_database, "--workers", "2") as server:
        token = token_from(server)
        answers = [
            call(server, f"/api/v2/journey/actiontargets/{TARGET_ID}", token=token)[0]
            for _ in range(40)
        ]
        workers = _children(server.pid)

    assert answers == [200] * 40
    # uvicorn's supervisor, with one process per worker under it.
    assert len(workers) == 2


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)

    # Workers are spawned processes; the supervisor also keeps a resource
    # tracker, which is not one.
    def command_line(child: int) -> str:
        return Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")

    return [
        child
        for child in found
        if "spawn_main" in command_line(child)
        and "resource_tracker" not in command_line(child)
    ]
