"""Helpers for the segment tests: an admin caller and quick ways to make data."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.services import Services

Headers = dict[str, str]


@pytest.fixture
def admin(services: Services) -> Headers:
    # A token that outlives the clock moves of the expiry tests.
    created = services.auth.create_client("admin", permissions=ALL_PERMISSIONS)
    token = services.auth.issue_token(created.client_id, 400 * 86400)
    return {"Authorization": f"Bearer {token.access_token}"}


class Maker:
    def __init__(self, client: TestClient, headers: Headers) -> None:
        self.client = client
        self.headers = headers

    def segment(self, name: str = "VIP", scope: str = "Customer", **extra: Any) -> str:
        response = self.client.post(
            "/api/v2/journey/segments",
            json={"displayName": name, "scope": scope, **extra},
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def contact(self, **fields: Any) -> str:
        body = {"firstName": "Ann", **fields}
        response = self.client.post(
            "/api/v2/externalcontacts/contacts", json=body, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def session(self, id_type: str, id_value: str, **fields: Any) -> str:
        body = {"type": "web", "customer": {"idType": id_type, "id": id_value}}
        response = self.client.post(
            "/api/v2/journey/sessions", json={**body, **fields}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def assign(self, contact: str, *segments: str, state: str = "Assigned") -> None:
        response = self.client.post(
            f"/api/v2/journey/externalcontacts/{contact}/segments",
            json=[{"segmentId": segment, "state": state} for segment in segments],
            headers=self.headers,
        )
        assert response.status_code == 204, response.text

    def assign_in_session(
        self, session: str, *segments: str, state: str = "Assigned"
    ) -> None:
        response = self.client.post(
            f"/api/v2/journey/sessions/{session}/segments",
            json=[{"segmentId": segment, "state": state} for segment in segments],
            headers=self.headers,
        )
        assert response.status_code == 204, response.text

    def listing(self, path: str, **params: str) -> Any:
        # No params at all when none are given: an empty mapping would replace
        # the query string a nextUri carries.
        response = self.client.get(path, params=params or None, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def make(client: TestClient, admin: Headers) -> Maker:
    return Maker(client, admin)
