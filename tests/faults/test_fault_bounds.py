"""Every number of a fault has a range the stores can count with.

A ``count`` past 64 bits used to be stored with 201, after which SQLite could
not compare with it and every request the fault matched was a 500. Now each
number outside its range, and each of the wrong JSON type, is 400
``invalid.value`` naming the field, and the faults in force stay as they were,
whether the rule comes in a request or in a faults file.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW, FAULT_EDIT
from journeyapi.cli import main
from journeyapi.config import Settings
from journeyapi.faults import store
from journeyapi.faults.files import FaultFileError, read_faults
from journeyapi.services import Services
from tests.errors import assert_invalid_value

FAULTS = "/api/v2/journeyapi/faults"
PATH = "/api/v2/journey/actiontargets"
HUGE = 10**30
MAX_COUNT = 1_000_000_000
MAX_SEED = 2**63 - 1
COUNTS = f"integers from 1 to {MAX_COUNT}"
SEEDS = f"integers from 0 to {MAX_SEED}"

# (one property of a fault answering 503 on PATH, its field, what is allowed)
OUT_OF_RANGE = [
    ({"count": HUGE}, "count", COUNTS),
    ({"count": MAX_COUNT + 1}, "count", COUNTS),
    ({"count": 0}, "count", COUNTS),
    ({"count": -1}, "count", COUNTS),
    ({"seed": HUGE}, "seed", SEEDS),
    ({"seed": MAX_SEED + 1}, "seed", SEEDS),
    ({"seed": -1}, "seed", SEEDS),
    ({"retryAfterSeconds": HUGE}, "retryAfterSeconds", "integers from 0 to 3600"),
    ({"retryAfterSeconds": -1}, "retryAfterSeconds", "integers from 0 to 3600"),
    ({"latencyMs": HUGE}, "latencyMs", "integers from 0 to 60000"),
    ({"latencyMs": -1}, "latencyMs", "integers from 0 to 60000"),
    ({"status": HUGE}, "status", "429, 500, 502, 503, 504"),
]

# (one property of the wrong JSON type, its field, what is allowed)
WRONG_TYPES = [
    ({"status": "503"}, "status", "integers"),
    ({"status": 503.0}, "status", "integers"),
    ({"count": "2"}, "count", "integers"),
    ({"count": 2.0}, "count", "integers"),
    ({"count": True}, "count", "integers"),
    ({"seed": "42"}, "seed", "integers"),
    ({"latencyMs": "5"}, "latencyMs", "integers"),
    ({"retryAfterSeconds": "1"}, "retryAfterSeconds", "integers"),
    ({"probability": True}, "probability", "numbers"),
    ({"probability": "0.5"}, "probability", "numbers"),
    ({"drop": "true"}, "drop", "true, false"),
    ({"drop": 1}, "drop", "true, false"),
]


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Re-read the faults on every request, so a row written behind the
    # service's back is seen at once.
    return Settings(
        database_url=database_url, rate_limit_per_minute=0, fault_refresh_seconds=0
    )


@pytest.fixture
def admin(token_for: Any) -> dict[str, str]:
    headers: dict[str, str] = token_for(FAULT_EDIT, ACTION_TARGET_VIEW)
    return headers


def shown(value: object) -> str:
    return json.dumps(value)


def in_force(client: TestClient, admin: dict[str, str]) -> Any:
    listed = client.get(FAULTS, headers=admin)
    assert listed.status_code == 200
    return listed.json()


@pytest.mark.parametrize(("extra", "field", "allowed"), OUT_OF_RANGE)
def test_post_with_a_number_out_of_range_is_400_and_changes_nothing(
    client: TestClient,
    admin: dict[str, str],
    extra: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    client.post(FAULTS, json={"path": "/x", "status": 502}, headers=admin)
    before = in_force(client, admin)

    answer = client.post(
        FAULTS, json={"path": PATH, "status": 503, **extra}, headers=admin
    )

    [value] = extra.values()
    assert_invalid_value(answer, shown(value), f"faults[0].{field}", allowed)
    assert in_force(client, admin) == before
    assert client.get(PATH, headers=admin).status_code == 200


@pytest.mark.parametrize(("extra", "field", "allowed"), OUT_OF_RANGE)
def test_put_with_a_number_out_of_range_is_400_and_changes_nothing(
    client: TestClient,
    admin: dict[str, str],
    extra: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    client.post(FAULTS, json={"path": "/x", "status": 502}, headers=admin)
    before = in_force(client, admin)
    fine = {"path": "/y", "status": 500}

    answer = client.put(
        FAULTS, json=[fine, {"path": PATH, "status": 503, **extra}], headers=admin
    )

    [value] = extra.values()
    assert_invalid_value(answer, shown(value), f"faults[1].{field}", allowed)
    assert in_force(client, admin) == before


@pytest.mark.parametrize(("extra", "field", "allowed"), WRONG_TYPES)
def test_a_number_or_flag_of_the_wrong_json_type_is_400(
    client: TestClient,
    admin: dict[str, str],
    extra: dict[str, Any],
    field: str,
    allowed: str,
) -> None:
    before = in_force(client, admin)

    answer = client.post(
        FAULTS, json={"path": PATH, "status": 503, **extra}, headers=admin
    )

    [value] = extra.values()
    text = value if isinstance(value, str) else shown(value)
    assert_invalid_value(answer, text, field, allowed)
    assert in_force(client, admin) == before


def test_the_largest_count_and_seed_are_stored_and_counted(
    client: TestClient, admin: dict[str, str]
) -> None:
    created = client.post(
        FAULTS,
        json={
            "path": PATH,
            "status": 503,
            "count": MAX_COUNT,
            "seed": MAX_SEED,
            "probability": 0.5,
        },
        headers=admin,
    )

    assert created.status_code == 201
    assert (created.json()["count"], created.json()["seed"]) == (MAX_COUNT, MAX_SEED)
    answers = {client.get(PATH, headers=admin).status_code for _ in range(20)}
    assert answers == {200, 503}
    [listed] = in_force(client, admin)["entities"]
    assert (listed["count"], listed["seed"], listed["matched"]) == (
        MAX_COUNT,
        MAX_SEED,
        20,
    )


def test_a_faults_file_with_a_huge_count_is_refused_naming_the_file(
    database_url: str, tmp_path: Path, client: TestClient, admin: dict[str, str]
) -> None:
    file = tmp_path / "faults.yaml"
    file.write_text(
        f"faults:\n  - path: /x\n    status: 503\n"
        f"  - path: {PATH}\n    status: 503\n    count: {HUGE}\n"
    )

    result = CliRunner().invoke(
        main, ["faults", "load", str(file), "--database", database_url]
    )

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {file}: Value [{HUGE}] is not valid for field type"
        f" [faults[1].count]. Allowable values are: {COUNTS}\n"
    )
    assert in_force(client, admin) == {"entities": []}


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            {"path": PATH, "status": 503, "seed": HUGE},
            f"Value [{HUGE}] is not valid for field type [faults[0].seed]."
            f" Allowable values are: {SEEDS}",
        ),
        (
            {"path": PATH, "status": 503, "count": 1e30},
            "0.count: Input should be a valid integer (expected a list of faults)",
        ),
        (
            {"path": PATH, "status": "503"},
            "0.status: Input should be a valid integer (expected a list of faults)",
        ),
    ],
)
def test_a_json_faults_file_gets_the_checks_of_a_request(
    tmp_path: Path, fault: dict[str, Any], message: str
) -> None:
    file = tmp_path / "faults.json"
    file.write_text(json.dumps([fault]))

    with pytest.raises(FaultFileError) as refused:
        read_faults(file)

    assert str(refused.value) == f"{file}: {message}"


def test_a_rule_stored_before_the_checks_is_left_out_but_listed(
    client: TestClient,
    services: Services,
    admin: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As an older server stored it: a count no store can compare with.
    definition = {"method": "*", "path": PATH, "status": 503, "count": HUGE}
    store.insert(
        services.db,
        fault_id="legacy",
        position=0,
        definition=definition,
        created_ms=0,
    )

    with caplog.at_level(logging.WARNING, logger="journeyapi.faults.service"):
        answer = client.get(PATH, headers=admin)
    listed = in_force(client, admin)
    removed = client.delete(f"{FAULTS}/legacy", headers=admin)

    assert answer.status_code == 200
    assert "Fault legacy is not applied" in caplog.text
    assert listed == {
        "entities": [{**definition, "id": "legacy", "matched": 0, "fired": 0}]
    }
    assert removed.status_code == 204
    assert in_force(client, admin) == {"entities": []}
