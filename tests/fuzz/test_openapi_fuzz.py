"""Fuzzing every operation from the served OpenAPI document.

Schemathesis reads the document the server serves and generates requests for
every operation, valid and invalid, against an in-process app with the demo
data. Every answer must be below 500, conform to the document (status, content
type, headers, schema), and every error must be the Genesys ``ErrorBody``. The
examples are derandomised, so a run in CI is the same run as on a laptop.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.config import Settings
from journeyapi.demo import load_demo
from journeyapi.http.app import create_app
from journeyapi.services import Services
from journeyapi.storage import migrate
from tests.databases import PostgresDatabases, sqlite_url

log = logging.getLogger(__name__)

DOCUMENT = "/api/v2/docs/swagger"
EXAMPLES_PER_OPERATION = 75
# The document's operations times the examples each, less the few operations
# whose every distinct request is tried before their share runs out.
LEAST_REQUESTS = 2000
ERROR_KEYS = {
    "message",
    "code",
    "status",
    "messageWithParams",
    "messageParams",
    "contextId",
    "details",
    "errors",
}


class Fuzzed:
    """What one run sent, across every operation."""

    requests = 0
    by_status: dict[int, int] = {}


@pytest.fixture(scope="module")
def fuzzed_app(
    tmp_path_factory: pytest.TempPathFactory,
    backend: str,
    request: pytest.FixtureRequest,
) -> Iterator[tuple[Any, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    if backend == "postgresql":
        made: PostgresDatabases = request.getfixturevalue("postgres_databases")
        database_url = made.new()
    else:
        database_url = sqlite_url(folder)
    migrate.upgrade(database_url)
    app = create_app(
        Settings(
            database_url=database_url,
            events_database=str(folder / "events.duckdb"),
            rate_limit_per_minute=0,
            fault_refresh_seconds=0,
            expiry_sweep_seconds=0,
        )
    )
    services: Services = app.state.services
    load_demo(services)
    created = services.auth.create_client("fuzz", permissions=ALL_PERMISSIONS)
    token = services.auth.issue_token(created.client_id, 86400).access_token
    yield app, {"Authorization": f"Bearer {token}"}


def strategy_of(operation: Any) -> Any:
    """Valid requests and, where the document allows any, invalid ones."""
    modes = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):
        modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return strategies.one_of(modes)


def genesys_error_body(response: Any, path: str) -> None:
    body = response.json()
    if path == "/oauth/token" and response.status_code in (400, 401):
        # The login service answers in the OAuth shape, as Genesys login does.
        assert set(body) == {"error", "description", "error_description"}, body
        return
    assert isinstance(body, dict), body
    assert ERROR_KEYS <= set(body) <= ERROR_KEYS | {"entityId", "entityName"}, body
    assert body["status"] == response.status_code, body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and body["message"], body
    assert "Traceback" not in response.text
    assert "SELECT " not in response.text


def exercise(case: Any, services: Services, headers: dict[str, str]) -> None:
    try:
        response = case.call(headers=dict(headers))
    finally:
        # A fault the fuzzer made would break the requests after it by design.
        if case.operation.path.startswith("/api/v2/journeyapi/faults"):
            services.faults.clear()
    Fuzzed.requests += 1
    Fuzzed.by_status[response.status_code] = (
        Fuzzed.by_status.get(response.status_code, 0) + 1
    )

    assert response.status_code < 500, (response.status_code, response.text)
    case.validate_response(
        response,
        checks=[
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
        headers=dict(headers),
    )
    if response.status_code >= 400:
        genesys_error_body(response, case.operation.path)


def test_every_operation(fuzzed_app: tuple[Any, dict[str, str]]) -> None:
    app, headers = fuzzed_app
    services: Services = app.state.services
    schema = schemathesis.openapi.from_asgi(DOCUMENT, app)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures: dict[str, str] = {}

    for operation in operations:

        @given(case=strategy_of(operation))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            exercise(case, services, headers)

        try:
            fuzz()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as failure:
            failures[f"{operation.method.upper()} {operation.path}"] = str(failure)

    counts = sorted(Fuzzed.by_status.items())
    log.info("fuzzing: %d requests, by status %s", Fuzzed.requests, counts)
    assert len(operations) == 32
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert Fuzzed.requests >= LEAST_REQUESTS, counts
