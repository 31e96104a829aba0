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

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

TokenFactory = Callable[..., dict[str, str]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'journeyapi.db'}")


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
