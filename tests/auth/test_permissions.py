"""Who may call what: bearer tokens and the permission each operation needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from journeyapi.auth.permissions import (
    ACTION_TARGET_ADD,
    ACTION_TARGET_DELETE,
    ACTION_TARGET_EDIT,
    ACTION_TARGET_VIEW,
    ALL_PERMISSIONS,
)
from journeyapi.clock import ManualClock
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.paging import PageRequest
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"
TARGET_ID = "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
UNKNOWN_ID = "0b9f6a8e-1f35-4a4e-8d0e-3f6e2a1c9b7d"

TokenFactory = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Operation:
    method: str
    url: str
    permission: str
    success: int
    body: dict[str, Any] | None = None

    def call(self, client: TestClient, headers: dict[str, str]) -> Response:
        return client.request(self.method, self.url, json=self.body, headers=headers)


OPERATIONS = [
    Operation("GET", f"{PATH}/{TARGET_ID}", ACTION_TARGET_VIEW, 200),
    Operation("GET", PATH, ACTION_TARGET_VIEW, 200),
    Operation("PATCH", f"{PATH}/{TARGET_ID}", ACTION_TARGET_EDIT, 200, {"name": "X"}),
    Operation("POST", PATH, ACTION_TARGET_ADD, 201, {"name": "New"}),
    Operation("DELETE", f"{PATH}/{TARGET_ID}", ACTION_TARGET_DELETE, 204),
]
OPERATION_IDS = ["get", "list", "patch", "post", "delete"]

AUTHENTICATION_REQUIRED = (
    "No authentication bearer token specified in authorization header."
)


@pytest.fixture
def target(services: Services) -> ActionTarget:
    return services.action_targets.create(ActionTarget(id=TARGET_ID, name="Sales"))


def snapshot(services: Services) -> list[dict[str, Any]]:
    entities, _ = services.action_targets.list_page(PageRequest())
    return [entity.to_wire() for entity in entities]


def assert_error(response: Response, status: int, code: str, message: str) -> None:
    assert response.status_code == status
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"] == message
    assert body["messageWithParams"] == message
    assert body["messageParams"] == {}
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_the_permission_alone_is_enough(
    client: TestClient,
    token_for: TokenFactory,
    target: ActionTarget,
    operation: Operation,
) -> None:
    response = operation.call(client, token_for(operation.permission))

    assert response.status_code == operation.success


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_no_token_is_401_authentication_required(
    client: TestClient, target: ActionTarget, operation: Operation
) -> None:
    response = operation.call(client, {})

    assert_error(response, 401, "authentication.required", AUTHENTICATION_REQUIRED)


@pytest.mark.parametrize(
    "authorization", ["Bearer", "Bearer   ", "Basic dXNlcjpwYXNz", "Token abc"]
)
def test_no_bearer_token_is_401_authentication_required(
    client: TestClient, target: ActionTarget, authorization: str
) -> None:
    response = client.get(PATH, headers={"Authorization": authorization})

    assert_error(response, 401, "authentication.required", AUTHENTICATION_REQUIRED)


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_unknown_token_is_401_bad_credentials(
    client: TestClient, target: ActionTarget, operation: Operation
) -> None:
    response = operation.call(client, {"Authorization": "Bearer not-a-real-token"})

    assert_error(response, 401, "bad.credentials", "Invalid login credentials.")


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_expired_token_is_401_credentials_expired(
    client: TestClient,
    clock: ManualClock,
    token_for: TokenFactory,
    target: ActionTarget,
    operation: Operation,
) -> None:
    headers = token_for(*ALL_PERMISSIONS)  # issued for 3600 seconds
    clock.advance(timedelta(seconds=3601))

    response = operation.call(client, headers)

    assert_error(
        response,
        401,
        "credentials.expired",
        "The supplied credentials are expired and cannot be used.",
    )


def test_token_expires_at_the_end_of_its_lifetime(
    client: TestClient, clock: ManualClock, token_for: TokenFactory
) -> None:
    headers = token_for(ACTION_TARGET_VIEW)  # issued for 3600 seconds

    clock.advance(timedelta(seconds=3599, milliseconds=999))
    last_moment = client.get(PATH, headers=headers)
    clock.advance(timedelta(milliseconds=1))
    expired = client.get(PATH, headers=headers)

    assert last_moment.status_code == 200
    assert expired.status_code == 401
    assert expired.json()["code"] == "credentials.expired"


@pytest.mark.parametrize("operation", OPERATIONS, ids=OPERATION_IDS)
def test_missing_permission_is_403_naming_it(
    client: TestClient,
    services: Services,
    token_for: TokenFactory,
    target: ActionTarget,
    operation: Operation,
) -> None:
    others = [p for p in ALL_PERMISSIONS if p != operation.permission]
    before = snapshot(services)

    response = operation.call(client, token_for(*others))

    assert response.status_code == 403
    template = (
        "Unable to perform the requested action. You must have at least one of "
        "the following permissions assigned: {permissions}"
    )
    named = f"[{operation.permission}]"
    assert {k: v for k, v in response.json().items() if k != "contextId"} == {
        "message": template.format(permissions=named),
        "code": "missing.any.permissions",
        "status": 403,
        "messageWithParams": template,
        "messageParams": {"permissions": named},
        "details": [],
        "errors": [],
    }
    # Nothing was done on the caller's behalf.
    assert snapshot(services) == before


def test_token_without_any_permission_is_403(
    client: TestClient, token_for: TokenFactory
) -> None:
    response = client.get(PATH, headers=token_for())

    assert response.status_code == 403
    assert response.json()["messageParams"] == {
        "permissions": "[journey:actiontarget:view]"
    }


def test_authentication_comes_before_the_lookup(
    client: TestClient, token_for: TokenFactory
) -> None:
    url = f"{PATH}/{UNKNOWN_ID}"

    anonymous = client.get(url)
    unprivileged = client.get(url, headers=token_for(ACTION_TARGET_EDIT))
    privileged = client.get(url, headers=token_for(ACTION_TARGET_VIEW))

    assert anonymous.status_code == 401
    assert unprivileged.status_code == 403
    assert privileged.status_code == 404


def test_authentication_comes_before_parameter_checks(
    client: TestClient, token_for: TokenFactory
) -> None:
    anonymous = client.get(PATH, params={"pageSize": "abc"})
    unprivileged = client.get(
        PATH, params={"pageSize": "abc"}, headers=token_for(ACTION_TARGET_EDIT)
    )

    assert anonymous.status_code == 401
    assert unprivileged.status_code == 403


def test_roles_grant_their_permissions(
    client: TestClient, services: Services, target: ActionTarget
) -> None:
    created = services.auth.create_client("viewer", roles=("journey-viewer",))
    token = services.auth.issue_token(created.client_id, 3600).access_token
    headers = {"Authorization": f"Bearer {token}"}

    read = client.get(f"{PATH}/{TARGET_ID}", headers=headers)
    edit = client.patch(f"{PATH}/{TARGET_ID}", json={"name": "X"}, headers=headers)

    assert read.status_code == 200
    assert edit.status_code == 403
    assert edit.json()["messageParams"] == {
        "permissions": "[journey:actiontarget:edit]"
    }


def test_editor_role_cannot_use_the_extension_routes(
    client: TestClient, services: Services, target: ActionTarget
) -> None:
    created = services.auth.create_client("editor", roles=("journey-editor",))
    token = services.auth.issue_token(created.client_id, 3600).access_token
    headers = {"Authorization": f"Bearer {token}"}

    create = client.post(PATH, json={"name": "New"}, headers=headers)
    delete = client.delete(f"{PATH}/{TARGET_ID}", headers=headers)

    assert create.status_code == 403
    assert create.json()["messageParams"] == {
        "permissions": "[journey:actiontarget:add]"
    }
    assert delete.status_code == 403
    assert delete.json()["messageParams"] == {
        "permissions": "[journey:actiontarget:delete]"
    }
