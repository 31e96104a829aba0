"""Faults against a real server process: a cut connection, and a client's retries.

These double as the README's example of testing retry logic against journeyapi.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from journeyapi.client import JourneyApi, RetryPolicy
from journeyapi.client.errors import ServerError, TransportError
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets
from tests.conformance.conftest import RunningServer, running_server

FAULTS = "/api/v2/journeyapi/faults"
TARGET_ID = str(demo_action_targets()[0].id)
TARGET = f"/api/v2/journey/actiontargets/{TARGET_ID}"

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

FILE = f"""\
- method: GET
  path: {TARGET}
  drop: true
  count: 1
"""


@pytest.fixture
def live(
    tmp_path: Path, database_url: str
) -> Iterator[tuple[RunningServer, dict[str, str]]]:
    faults = tmp_path / "faults.yaml"
    faults.write_text(FILE)
    with running_server(database_url, "--faults", str(faults)) as server:
        token = httpx.post(
            f"{server.base_url}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()["access_token"]
        yield server, {"Authorization": f"Bearer {token}"}


def test_a_dropped_connection_gets_no_answer_at_all(
    live: tuple[RunningServer, dict[str, str]],
) -> None:
    server, headers = live

    with pytest.raises(httpx.RemoteProtocolError, match="without sending"):
        httpx.get(f"{server.base_url}{TARGET}", headers=headers)
    after = httpx.get(f"{server.base_url}{TARGET}", headers=headers)

    assert after.status_code == 200
    assert after.json()["id"] == TARGET_ID


def test_the_client_retries_through_503s_and_a_dropped_connection(
    live: tuple[RunningServer, dict[str, str]],
) -> None:
    server, headers = live
    httpx.post(
        f"{server.base_url}{FAULTS}",
        json={"path": TARGET, "status": 503, "retryAfterSeconds": 0, "count": 2},
        headers=headers,
    )

    with JourneyApi(
        base_url=server.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        retry=RetryPolicy(max_attempts=4, backoff=0.01),
    ) as api:
        target = api.get_journey_actiontarget(TARGET_ID)

    assert str(target.id) == TARGET_ID
    faults = httpx.get(f"{server.base_url}{FAULTS}", headers=headers).json()
    assert [(f["matched"], f["fired"]) for f in faults["entities"]] == [(4, 1), (3, 2)]


def test_without_retries_the_client_reports_each_fault(
    live: tuple[RunningServer, dict[str, str]],
) -> None:
    server, headers = live
    httpx.post(
        f"{server.base_url}{FAULTS}",
        json={"path": TARGET, "status": 503, "count": 1},
        headers=headers,
    )

    with JourneyApi(
        base_url=server.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        retry=RetryPolicy(max_attempts=1),
    ) as api:
        with pytest.raises(TransportError):
            api.get_journey_actiontarget(TARGET_ID)
        with pytest.raises(ServerError) as raised:
            api.get_journey_actiontarget(TARGET_ID)
        target = api.get_journey_actiontarget(TARGET_ID)

    assert raised.value.status == 503
    assert raised.value.code == "service.unavailable"
    assert str(target.id) == TARGET_ID


def test_the_readme_example_retries_through_two_503s(
    live: tuple[RunningServer, dict[str, str]],
) -> None:
    server, _headers = live
    found = re.search(
        r"<!-- fault-example -->\n```python\n(.*?)```", README, flags=re.DOTALL
    )
    assert found is not None
    script = found.group(1).replace("http://127.0.0.1:8080", server.base_url)

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "Billing\n"
