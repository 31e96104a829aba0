"""Fixtures of the client tests.

Live tests run against a real server process (the conformance suite's fixture,
with the demo data); mock tests answer through ``httpx.MockTransport`` exactly
as the API contract says the server does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from journeyapi.client import AsyncJourneyApi, JourneyApi, RetryPolicy
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.conformance.conftest import RunningServer, server

__all__ = ["RunningServer", "server"]

CORRELATION = "6b1c0a8e-2d4f-4c39-9a77-0c3f1e9b5d21"

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def api(server: RunningServer) -> Iterator[JourneyApi]:
    with JourneyApi(
        base_url=server.base_url,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    ) as client:
        yield client


def error_response(
    status: int, code: str, message: str, **params: str
) -> httpx.Response:
    """An error answer in the Genesys form, as the server renders every error."""
    body = {
        "message": message,
        "code": code,
        "status": status,
        "messageWithParams": message,
        "messageParams": params,
        "contextId": CORRELATION,
        "details": [],
        "errors": [],
    }
    return httpx.Response(
        status, json=body, headers={"ININ-Correlation-Id": CORRELATION}
    )


def token_response(token: str = "token-1", expires_in: int = 86400) -> httpx.Response:
    return httpx.Response(
        200,
        json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
    )


@dataclass
class FakeServer:
    """Answers token requests itself and API requests with ``answer``; records
    every request and every sleep."""

    answer: Handler
    tokens: list[str] = field(default_factory=lambda: ["token-1"])
    expires_in: int = 86400
    requests: list[httpx.Request] = field(default_factory=list)
    logins: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            self.logins.append(request)
            token = self.tokens[min(len(self.logins), len(self.tokens)) - 1]
            return token_response(token, self.expires_in)
        self.requests.append(request)
        return self.answer(request)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)

    def client(self, **options: Any) -> JourneyApi:
        options.setdefault("retry", RetryPolicy(backoff=0.25))
        return JourneyApi(
            base_url="http://journeyapi.test",
            client_id="client",
            client_secret="secret",
            transport=httpx.MockTransport(self.handle),
            sleep=self.sleeps.append,
            **options,
        )

    def async_client(self, **options: Any) -> AsyncJourneyApi:
        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        options.setdefault("retry", RetryPolicy(backoff=0.25))
        return AsyncJourneyApi(
            base_url="http://journeyapi.test",
            client_id="client",
            client_secret="secret",
            transport=httpx.MockTransport(self.handle),
            sleep=sleep,
            **options,
        )


def fake(answer: Handler, **options: Any) -> FakeServer:
    return FakeServer(answer, **options)
