"""Every route times every permission set: exactly the expected 2xx or 403.

The expectation comes from the one table below (what each operation needs, as
the API documents it), never from the server's code. Each request is valid and
its resources exist, so a caller holding the permission gets the 2xx; a caller
without it gets 403 before anything is looked up.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth import permissions as p
from journeyapi.auth.permissions import ALL_PERMISSIONS, ROLES
from journeyapi.services import Services

WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"
_names = itertools.count()


class Setup:
    """Makes the resources a request needs, as an administrator."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def post(self, path: str, body: Any) -> Any:
        answer = self.client.post(path, json=body, headers=self.headers)
        assert answer.status_code in (200, 201), answer.text
        return answer.json()

    def target(self) -> str:
        body = {"name": f"T{next(_names)}"}
        return str(self.post("/api/v2/journey/actiontargets", body)["id"])

    def segment(self, scope: str = "Customer") -> str:
        body = {"displayName": f"S{next(_names)}", "scope": scope}
        return str(self.post("/api/v2/journey/segments", body)["id"])

    def contact(self) -> str:
        body = {"firstName": "Ann", "workEmail": f"a{next(_names)}@example.com"}
        return str(self.post("/api/v2/externalcontacts/contacts", body)["id"])

    def session(self) -> str:
        customer = {"idType": "cookie", "id": f"c{next(_names)}"}
        body = {"type": "web", "customer": customer}
        return str(self.post("/api/v2/journey/sessions", body)["id"])

    def customer(self) -> str:
        identities = [{"idType": "cookie", "id": f"k{next(_names)}"}]
        return str(
            self.post("/api/v2/journey/customers", {"identities": identities})["id"]
        )

    def fault(self) -> str:
        body = {"path": "/nowhere", "status": 503}
        return str(self.post("/api/v2/journeyapi/faults", body)["id"])


Request = tuple[str, str, Any]


@dataclass(frozen=True)
class Operation:
    name: str
    needs: str
    build: Callable[[Setup], Request]


def assign(path: str, segment: str) -> Request:
    return ("POST", path, [{"segmentId": segment, "state": "Assigned"}])


# The declared table: each operation, the permission it needs, a valid request.
OPERATIONS = [
    Operation(
        "list targets",
        p.ACTION_TARGET_VIEW,
        lambda s: ("GET", "/api/v2/journey/actiontargets", None),
    ),
    Operation(
        "get target",
        p.ACTION_TARGET_VIEW,
        lambda s: ("GET", f"/api/v2/journey/actiontargets/{s.target()}", None),
    ),
    Operation(
        "patch target",
        p.ACTION_TARGET_EDIT,
        lambda s: (
            "PATCH",
            f"/api/v2/journey/actiontargets/{s.target()}",
            {"name": f"P{next(_names)}"},
        ),
    ),
    Operation(
        "create target",
        p.ACTION_TARGET_ADD,
        lambda s: ("POST", "/api/v2/journey/actiontargets", {"name": "New"}),
    ),
    Operation(
        "delete target",
        p.ACTION_TARGET_DELETE,
        lambda s: ("DELETE", f"/api/v2/journey/actiontargets/{s.target()}", None),
    ),
    Operation(
        "aggregate query",
        p.JOURNEY_AGGREGATE_VIEW,
        lambda s: (
            "POST",
            "/api/v2/analytics/journeys/aggregates/query",
            {"interval": WEEK, "metrics": ["nJourneySessions"]},
        ),
    ),
    Operation(
        "add events",
        p.JOURNEY_EVENT_ADD,
        lambda s: ("POST", "/api/v2/journey/events", {"events": []}),
    ),
    Operation(
        "list segments",
        p.SEGMENT_VIEW,
        lambda s: ("GET", "/api/v2/journey/segments", None),
    ),
    Operation(
        "create segment",
        p.SEGMENT_ADD,
        lambda s: (
            "POST",
            "/api/v2/journey/segments",
            {"displayName": f"N{next(_names)}", "scope": "Customer"},
        ),
    ),
    Operation(
        "get segment",
        p.SEGMENT_VIEW,
        lambda s: ("GET", f"/api/v2/journey/segments/{s.segment()}", None),
    ),
    Operation(
        "patch segment",
        p.SEGMENT_EDIT,
        lambda s: (
            "PATCH",
            f"/api/v2/journey/segments/{s.segment()}",
            {"displayName": f"Q{next(_names)}"},
        ),
    ),
    Operation(
        "delete segment",
        p.SEGMENT_DELETE,
        lambda s: ("DELETE", f"/api/v2/journey/segments/{s.segment()}", None),
    ),
    Operation(
        "create contact",
        p.EXTERNAL_CONTACT_ADD,
        lambda s: ("POST", "/api/v2/externalcontacts/contacts", {"firstName": "Bo"}),
    ),
    Operation(
        "get contact",
        p.EXTERNAL_CONTACT_VIEW,
        lambda s: ("GET", f"/api/v2/externalcontacts/contacts/{s.contact()}", None),
    ),
    Operation(
        "contact's segments in force",
        p.SEGMENT_ASSIGNMENT_VIEW,
        lambda s: (
            "GET",
            f"/api/v2/externalcontacts/contacts/{s.contact()}/journey/segments",
            None,
        ),
    ),
    Operation(
        "contact assign (externalcontacts)",
        p.SEGMENT_ASSIGNMENT_ADD,
        lambda s: (
            "POST",
            f"/api/v2/externalcontacts/contacts/{s.contact()}/journey/segments",
            {"assign": {"segments": [{"id": s.segment()}]}},
        ),
    ),
    Operation(
        "contact assignments",
        p.SEGMENT_ASSIGNMENT_VIEW,
        lambda s: (
            "GET",
            f"/api/v2/journey/externalcontacts/{s.contact()}/segments",
            None,
        ),
    ),
    Operation(
        "contact assign (journey)",
        p.SEGMENT_ASSIGNMENT_ADD,
        lambda s: assign(
            f"/api/v2/journey/externalcontacts/{s.contact()}/segments", s.segment()
        ),
    ),
    Operation(
        "customer assignments",
        p.SEGMENT_ASSIGNMENT_VIEW,
        lambda s: ("GET", "/api/v2/journey/customers/cookie/c0/segments", None),
    ),
    Operation(
        "session assignments",
        p.SEGMENT_ASSIGNMENT_VIEW,
        lambda s: ("GET", f"/api/v2/journey/sessions/{s.session()}/segments", None),
    ),
    Operation(
        "session assign",
        p.SEGMENT_ASSIGNMENT_ADD,
        lambda s: assign(
            f"/api/v2/journey/sessions/{s.session()}/segments", s.segment("Session")
        ),
    ),
    Operation(
        "create session",
        p.SESSION_ADD,
        lambda s: (
            "POST",
            "/api/v2/journey/sessions",
            {"type": "web", "customer": {"idType": "cookie", "id": "new"}},
        ),
    ),
    Operation(
        "get session",
        p.SESSION_VIEW,
        lambda s: ("GET", f"/api/v2/journey/sessions/{s.session()}", None),
    ),
    Operation(
        "end session",
        p.SESSION_ADD,
        lambda s: ("POST", f"/api/v2/journey/sessions/{s.session()}/end", {}),
    ),
    Operation(
        "create customer",
        p.CUSTOMER_ADD,
        lambda s: (
            "POST",
            "/api/v2/journey/customers",
            {"identities": [{"idType": "cookie", "id": f"n{next(_names)}"}]},
        ),
    ),
    Operation(
        "get customer",
        p.CUSTOMER_VIEW,
        lambda s: ("GET", f"/api/v2/journey/customers/{s.customer()}", None),
    ),
    Operation(
        "list faults",
        p.FAULT_EDIT,
        lambda s: ("GET", "/api/v2/journeyapi/faults", None),
    ),
    Operation(
        "replace faults",
        p.FAULT_EDIT,
        lambda s: ("PUT", "/api/v2/journeyapi/faults", []),
    ),
    Operation(
        "add fault",
        p.FAULT_EDIT,
        lambda s: (
            "POST",
            "/api/v2/journeyapi/faults",
            {"path": "/nowhere", "status": 503},
        ),
    ),
    Operation(
        "clear faults",
        p.FAULT_EDIT,
        lambda s: ("DELETE", "/api/v2/journeyapi/faults", None),
    ),
    Operation(
        "remove fault",
        p.FAULT_EDIT,
        lambda s: ("DELETE", f"/api/v2/journeyapi/faults/{s.fault()}", None),
    ),
]

PERMISSION_SETS: dict[str, tuple[str, ...]] = {
    "none": (),
    **{permission: (permission,) for permission in ALL_PERMISSIONS},
    **{f"role {role}": granted for role, granted in ROLES.items()},
    "all": ALL_PERMISSIONS,
}


def test_the_table_covers_every_operation_of_the_document(
    client: TestClient,
) -> None:
    document = client.get("/api/v2/docs/swagger").json()
    served = sum(
        1
        for path, methods in document["paths"].items()
        if path.startswith("/api/v2/")
        for _ in methods
    )

    assert served == len(OPERATIONS) == 31


@pytest.mark.parametrize("granted", PERMISSION_SETS.values(), ids=PERMISSION_SETS)
def test_every_operation_with_this_permission_set(
    client: TestClient, services: Services, granted: tuple[str, ...]
) -> None:
    admin_client = services.auth.create_client("admin", permissions=ALL_PERMISSIONS)
    admin = services.auth.issue_token(admin_client.client_id, 3600).access_token
    setup = Setup(client, {"Authorization": f"Bearer {admin}"})
    caller = services.auth.create_client("caller", permissions=granted)
    token = services.auth.issue_token(caller.client_id, 3600).access_token
    headers = {"Authorization": f"Bearer {token}"}

    found: dict[str, int] = {}
    expected: dict[str, int | str] = {}
    for operation in OPERATIONS:
        method, path, body = operation.build(setup)
        answer = client.request(method, path, json=body, headers=headers)
        allowed = operation.needs in granted
        found[operation.name] = (
            answer.status_code if not 200 <= answer.status_code < 300 else 2
        )
        expected[operation.name] = 2 if allowed else 403
        if answer.status_code == 403:
            assert answer.json()["code"] == "missing.any.permissions"

    assert found == expected
