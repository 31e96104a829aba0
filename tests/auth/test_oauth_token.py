"""POST /oauth/token: the client-credentials grant."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW
from journeyapi.auth.service import ClientCredentials
from journeyapi.clock import ManualClock
from journeyapi.services import Services

TOKEN_URL = "/oauth/token"
GRANT = {"grant_type": "client_credentials"}
INVALID_CLIENT = {
    "error": "invalid_client",
    "description": "Invalid client credentials.",
    "error_description": "Invalid client credentials.",
}


@pytest.fixture
def credentials(services: Services) -> ClientCredentials:
    return services.auth.create_client("reporting", permissions=(ACTION_TARGET_VIEW,))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_basic_credentials_get_a_bearer_token(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        data=GRANT,
        auth=(credentials.client_id, credentials.client_secret),
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86400
    assert isinstance(body["access_token"], str)
    assert len(body["access_token"]) >= 32


def test_the_token_works_on_the_api(
    client: TestClient, credentials: ClientCredentials
) -> None:
    token = client.post(
        TOKEN_URL,
        data=GRANT,
        auth=(credentials.client_id, credentials.client_secret),
    ).json()["access_token"]

    response = client.get("/api/v2/journey/actiontargets", headers=bearer(token))

    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_form_field_credentials_get_a_token(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        data={
            **GRANT,
            "client_id": credentials.client_id,
            "client_secret": credentials.client_secret,
        },
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    token = response.json()["access_token"]
    listing = client.get("/api/v2/journey/actiontargets", headers=bearer(token))
    assert listing.status_code == 200


def test_each_grant_issues_a_different_token(
    client: TestClient, credentials: ClientCredentials
) -> None:
    auth = (credentials.client_id, credentials.client_secret)

    first = client.post(TOKEN_URL, data=GRANT, auth=auth).json()["access_token"]
    second = client.post(TOKEN_URL, data=GRANT, auth=auth).json()["access_token"]

    assert first != second
    for token in (first, second):
        listing = client.get("/api/v2/journey/actiontargets", headers=bearer(token))
        assert listing.status_code == 200


def test_lifetime_is_the_clients_and_the_token_expires(
    client: TestClient, services: Services, clock: ManualClock
) -> None:
    created = services.auth.create_client(
        "short", permissions=(ACTION_TARGET_VIEW,), token_lifetime_seconds=600
    )
    response = client.post(
        TOKEN_URL, data=GRANT, auth=(created.client_id, created.client_secret)
    )
    assert response.json()["expires_in"] == 600
    headers = bearer(response.json()["access_token"])

    clock.advance(timedelta(seconds=599))
    still_valid = client.get("/api/v2/journey/actiontargets", headers=headers)
    clock.advance(timedelta(seconds=1))
    expired = client.get("/api/v2/journey/actiontargets", headers=headers)

    assert still_valid.status_code == 200
    assert expired.status_code == 401
    assert expired.json()["code"] == "credentials.expired"


def test_wrong_secret_is_401_invalid_client(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL, data=GRANT, auth=(credentials.client_id, "not-the-secret")
    )

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT
    assert response.headers["www-authenticate"] == 'Basic realm="journeyapi"'


def test_unknown_client_is_401_like_a_wrong_secret(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        data=GRANT,
        auth=("no-such-client", credentials.client_secret),
    )

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_wrong_secret_in_form_fields_is_401(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        data={**GRANT, "client_id": credentials.client_id, "client_secret": "x"},
    )

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_no_credentials_at_all_is_401(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(TOKEN_URL, data=GRANT)

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_basic_header_that_is_not_base64_is_401(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL, data=GRANT, headers={"Authorization": "Basic %%%not-base64"}
    )

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


def test_basic_header_without_a_colon_is_401(
    client: TestClient, credentials: ClientCredentials
) -> None:
    encoded = base64.b64encode(credentials.client_id.encode()).decode()

    response = client.post(
        TOKEN_URL, data=GRANT, headers={"Authorization": f"Basic {encoded}"}
    )

    assert response.status_code == 401
    assert response.json() == INVALID_CLIENT


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", ""])
def test_other_grant_types_are_400_unsupported_grant_type(
    client: TestClient, credentials: ClientCredentials, grant_type: str
) -> None:
    response = client.post(
        TOKEN_URL,
        data={"grant_type": grant_type},
        auth=(credentials.client_id, credentials.client_secret),
    )

    assert response.status_code == 400
    description = f"Grant type [{grant_type}] is not supported; use client_credentials."
    assert response.json() == {
        "error": "unsupported_grant_type",
        "description": description,
        "error_description": description,
    }


def test_missing_grant_type_is_400_unsupported_grant_type(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        data={"scope": "all"},
        auth=(credentials.client_id, credentials.client_secret),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_json_body_is_400_invalid_request(
    client: TestClient, credentials: ClientCredentials
) -> None:
    response = client.post(
        TOKEN_URL,
        json=GRANT,
        auth=(credentials.client_id, credentials.client_secret),
    )

    assert response.status_code == 400
    description = "The body must be application/x-www-form-urlencoded."
    assert response.json() == {
        "error": "invalid_request",
        "description": description,
        "error_description": description,
    }


def test_secrets_and_tokens_are_stored_hashed(
    client: TestClient, services: Services, credentials: ClientCredentials
) -> None:
    token = client.post(
        TOKEN_URL,
        data=GRANT,
        auth=(credentials.client_id, credentials.client_secret),
    ).json()["access_token"]

    clients = services.db.fetch_all("SELECT secret_hash FROM oauth_clients")
    tokens = services.db.fetch_all("SELECT token_hash FROM oauth_tokens")

    assert len(clients) == 1
    assert len(tokens) == 1
    assert credentials.client_secret not in clients[0]["secret_hash"]
    assert clients[0]["secret_hash"].startswith("$argon2")
    assert tokens[0]["token_hash"] != token
    assert token not in tokens[0]["token_hash"]
