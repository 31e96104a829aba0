"""Fixtures shared by the test suite: an app on a fresh SQLite file, a manual
clock, and tokens carrying chosen permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from journeyapi.clock import ManualClock
from journeyapi.config import Settings
from journeyapi.http.app import create_app
from journeyapi.services import Services
from tests import databases

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

TokenFactory = Callable[..., dict[str, str]]


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        choices=BACKENDS,
        default="sqlite",
        help="The database every test's server uses (default: sqlite).",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"journeyapi backend: {config.getoption('--backend')}"


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if config.getoption("--backend") != "postgresql":
        return
    reason = databases.postgres_unreachable_reason()
    if reason is None:
        return
    if databases.postgres_required():
        raise pytest.UsageError(
            f"{reason} ({databases.REQUIRE_VARIABLE} is set, so this run needs it.)"
        )
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def backend(pytestconfig: pytest.Config) -> str:
    chosen: str = pytestconfig.getoption("--backend")
    return chosen


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[databases.PostgresDatabases]:
    made = databases.PostgresDatabases(databases.postgres_server_url())
    yield made
    made.drop_all()


@pytest.fixture
def database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database at the newest schema, on the backend of this run."""
    if backend == "sqlite":
        yield databases.sqlite_url(tmp_path)
        return
    made: databases.PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = made.new()
    yield url
    made.drop(url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> FastAPI:
    return create_app(settings, clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 500 must reach the test as a response.
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def services(app: FastAPI, client: TestClient) -> Services:
    found: Services = app.state.services
    return found


@pytest.fixture
def token_for(services: Services) -> TokenFactory:
    """``token_for("journey:actiontarget:view")`` -> headers with a bearer token."""

    def make(*permissions: str) -> dict[str, str]:
        created = services.auth.create_client(
            "test client", permissions=permissions or (), roles=()
        )
        token = services.auth.issue_token(created.client_id, 3600)
        return {"Authorization": f"Bearer {token.access_token}"}

    return make
