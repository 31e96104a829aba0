"""Provisioning for the live client tests: segments, contacts and sessions of a
test's own, made through the server's HTTP API, so that the demo data (which
other tests count) is left alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from tests.client.conftest import RunningServer


def demo_token(server: RunningServer) -> str:
    answer = httpx.post(
        f"{server.base_url}/oauth/token",
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


class Provisioner:
    """Raw HTTP with the demo client: what the tests need beyond the client."""

    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {demo_token(server)}"}

    def get(self, path: str, **params: str) -> Any:
        answer = httpx.get(
            self.server.base_url + path, params=params, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def post(self, path: str, body: Any, status: int = 201) -> Any:
        answer = httpx.post(
            self.server.base_url + path, json=body, headers=self.headers
        )
        assert answer.status_code == status, answer.text
        return answer.json() if answer.content else None

    def segment(self, name: str, scope: str) -> str:
        created = self.post(
            "/api/v2/journey/segments",
            {"displayName": f"{name} {uuid.uuid4().hex[:6]}", "scope": scope},
        )
        segment_id: str = created["id"]
        return segment_id

    def contact(self, email: str) -> str:
        created = self.post(
            "/api/v2/externalcontacts/contacts",
            {"firstName": "Live", "workEmail": email},
            status=200,
        )
        contact_id: str = created["id"]
        return contact_id

    def session(self, id_type: str, customer_id: str) -> str:
        created = self.post(
            "/api/v2/journey/sessions",
            {"type": "web", "customer": {"id": customer_id, "idType": id_type}},
        )
        session_id: str = created["id"]
        return session_id

    def assign_in_session(self, session_id: str, segment_id: str) -> None:
        self.post(
            f"/api/v2/journey/sessions/{session_id}/segments",
            [{"segmentId": segment_id, "state": "Assigned"}],
            status=204,
        )


@dataclass(frozen=True)
class Customer:
    """A customer of the test's own: an external contact (by its work email)
    with one session, customer-scoped segments and one session-scoped one."""

    email: str
    contact: str
    session: str
    customer_segments: tuple[str, ...]
    session_segment: str


def new_customer(provision: Provisioner, segments: int) -> Customer:
    email = f"live-{uuid.uuid4().hex[:10]}@example.com"
    contact = provision.contact(email)
    session = provision.session("email", email)
    customer_segments = tuple(
        provision.segment(f"Live {number}", "Customer") for number in range(segments)
    )
    session_segment = provision.segment("Live session", "Session")
    return Customer(email, contact, session, customer_segments, session_segment)
