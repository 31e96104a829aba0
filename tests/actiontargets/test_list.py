"""GET /api/v2/journey/actiontargets: page-number paging and order."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"


def uri(size: int, number: int) -> str:
    return f"{PATH}?pageSize={size}&pageNumber={number}"


def target_id(n: int) -> str:
    return str(uuid.UUID(int=n))


def create_targets(services: Services, count: int) -> list[str]:
    """``count`` targets named ``Target 001``...; answers their ids in name order."""
    ids = []
    # Inserted in reverse, so that only the ORDER BY can put them in order.
    for n in range(count, 0, -1):
        services.action_targets.create(
            ActionTarget(id=target_id(n), name=f"Target {n:03d}")
        )
        ids.append(target_id(n))
    return ids[::-1]


def ids_of(body: dict[str, Any]) -> list[str]:
    return [entity["id"] for entity in body["entities"]]


def invalid_value(value: str, field: str, allowed: str) -> dict[str, Any]:
    """The parts of an ``invalid.value`` error body that do not vary."""
    return {
        "message": (
            f"Value [{value}] is not valid for field type [{field}]. "
            f"Allowable values are: {allowed}"
        ),
        "code": "invalid.value",
        "status": 400,
        "messageWithParams": (
            "Value [{value}] is not valid for field type [{field}]. "
            "Allowable values are: {allowed}"
        ),
        "messageParams": {"value": value, "field": field, "allowed": allowed},
        "details": [{"errorCode": "invalid.value", "fieldName": field}],
        "errors": [],
    }


def without_context(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "contextId"}


@pytest.fixture
def viewer(token_for: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token_for(ACTION_TARGET_VIEW)


def test_empty_store_has_page_one_and_no_pages(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    response = client.get(PATH, headers=viewer)

    assert response.status_code == 200
    assert response.json() == {
        "entities": [],
        "pageSize": 25,
        "pageNumber": 1,
        "total": 0,
        "firstUri": uri(25, 1),
        "selfUri": uri(25, 1),
        "lastUri": uri(25, 1),
        "pageCount": 0,
    }


def test_empty_store_past_the_end_links_back_to_page_one(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    response = client.get(PATH, params={"pageNumber": 2}, headers=viewer)

    assert response.status_code == 200
    assert response.json() == {
        "entities": [],
        "pageSize": 25,
        "pageNumber": 2,
        "total": 0,
        "firstUri": uri(25, 1),
        "selfUri": uri(25, 2),
        "previousUri": uri(25, 1),
        "lastUri": uri(25, 1),
        "pageCount": 0,
    }


def test_defaults_are_page_one_of_25(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 30)

    body = client.get(PATH, headers=viewer).json()

    assert ids_of(body) == ids[:25]
    assert body["pageSize"] == 25
    assert body["pageNumber"] == 1
    assert body["total"] == 30
    assert body["pageCount"] == 2
    assert body["selfUri"] == uri(25, 1)
    assert body["nextUri"] == uri(25, 2)
    assert "previousUri" not in body


def test_first_page(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 5)

    response = client.get(PATH, params={"pageSize": 2, "pageNumber": 1}, headers=viewer)

    assert response.status_code == 200
    body = response.json()
    assert ids_of(body) == ids[0:2]
    assert {key: value for key, value in body.items() if key != "entities"} == {
        "pageSize": 2,
        "pageNumber": 1,
        "total": 5,
        "firstUri": uri(2, 1),
        "selfUri": uri(2, 1),
        "nextUri": uri(2, 2),
        "lastUri": uri(2, 3),
        "pageCount": 3,
    }


def test_middle_page(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 5)

    response = client.get(PATH, params={"pageSize": 2, "pageNumber": 2}, headers=viewer)

    assert response.status_code == 200
    body = response.json()
    assert ids_of(body) == ids[2:4]
    assert {key: value for key, value in body.items() if key != "entities"} == {
        "pageSize": 2,
        "pageNumber": 2,
        "total": 5,
        "firstUri": uri(2, 1),
        "selfUri": uri(2, 2),
        "nextUri": uri(2, 3),
        "previousUri": uri(2, 1),
        "lastUri": uri(2, 3),
        "pageCount": 3,
    }


def test_last_page_is_partial_and_has_no_next(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 5)

    response = client.get(PATH, params={"pageSize": 2, "pageNumber": 3}, headers=viewer)

    assert response.status_code == 200
    body = response.json()
    assert ids_of(body) == ids[4:5]
    assert {key: value for key, value in body.items() if key != "entities"} == {
        "pageSize": 2,
        "pageNumber": 3,
        "total": 5,
        "firstUri": uri(2, 1),
        "selfUri": uri(2, 3),
        "previousUri": uri(2, 2),
        "lastUri": uri(2, 3),
        "pageCount": 3,
    }


def test_page_past_the_end_is_empty_with_true_totals(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    create_targets(services, 5)

    response = client.get(PATH, params={"pageSize": 2, "pageNumber": 7}, headers=viewer)

    assert response.status_code == 200
    assert response.json() == {
        "entities": [],
        "pageSize": 2,
        "pageNumber": 7,
        "total": 5,
        "firstUri": uri(2, 1),
        "selfUri": uri(2, 7),
        "previousUri": uri(2, 6),
        "lastUri": uri(2, 3),
        "pageCount": 3,
    }


def test_exact_multiple_has_no_extra_page(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 4)

    body = client.get(
        PATH, params={"pageSize": 2, "pageNumber": 2}, headers=viewer
    ).json()

    assert ids_of(body) == ids[2:4]
    assert body["pageCount"] == 2
    assert body["lastUri"] == uri(2, 2)
    assert "nextUri" not in body


def test_page_size_1_walks_every_target(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 3)

    seen = []
    for number in (1, 2, 3):
        body = client.get(
            PATH, params={"pageSize": 1, "pageNumber": number}, headers=viewer
        ).json()
        assert body["pageCount"] == 3
        assert body["total"] == 3
        assert len(body["entities"]) == 1
        seen.extend(ids_of(body))

    assert seen == ids
    assert "nextUri" not in body
    assert body["previousUri"] == uri(1, 2)


def test_page_size_100_is_the_maximum(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 101)

    first = client.get(PATH, params={"pageSize": 100}, headers=viewer)
    second = client.get(PATH, params={"pageSize": 100, "pageNumber": 2}, headers=viewer)

    assert first.status_code == 200
    assert ids_of(first.json()) == ids[:100]
    assert first.json()["pageCount"] == 2
    assert first.json()["nextUri"] == uri(100, 2)
    assert ids_of(second.json()) == ids[100:]
    assert "nextUri" not in second.json()


@pytest.mark.parametrize("value", ["101", "0", "-1", "abc", "1.5", ""])
def test_page_size_outside_1_to_100_is_400(
    client: TestClient, services: Services, viewer: dict[str, str], value: str
) -> None:
    response = client.get(f"{PATH}?pageSize={value}", headers=viewer)

    assert response.status_code == 400
    assert without_context(response.json()) == invalid_value(
        value, "pageSize", "integers from 1 to 100"
    )


@pytest.mark.parametrize("value", ["0", "-3", "x"])
def test_page_number_below_1_is_400(
    client: TestClient, services: Services, viewer: dict[str, str], value: str
) -> None:
    response = client.get(f"{PATH}?pageNumber={value}", headers=viewer)

    assert response.status_code == 400
    assert without_context(response.json()) == invalid_value(
        value, "pageNumber", "integers from 1 to 2147483647"
    )


def test_order_is_name_then_id(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    # (id number, name), inserted out of order.
    for n, name in [(5, "b"), (9, "a"), (2, "c"), (3, "a"), (7, "b")]:
        services.action_targets.create(ActionTarget(id=target_id(n), name=name))

    body = client.get(PATH, headers=viewer).json()

    assert [(entity["name"], entity["id"]) for entity in body["entities"]] == [
        ("a", target_id(3)),
        ("a", target_id(9)),
        ("b", target_id(5)),
        ("b", target_id(7)),
        ("c", target_id(2)),
    ]


def test_names_compare_by_code_point(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    for n, name in [(1, "alpha"), (2, "Zulu"), (3, "Émile"), (4, "Bravo")]:
        services.action_targets.create(ActionTarget(id=target_id(n), name=name))

    body = client.get(PATH, headers=viewer).json()

    assert [entity["name"] for entity in body["entities"]] == [
        "Bravo",
        "Zulu",
        "alpha",
        "Émile",
    ]


def test_deleted_targets_are_listed(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    ids = create_targets(services, 3)
    services.action_targets.delete(ids[1])

    body = client.get(PATH, headers=viewer).json()

    assert body["total"] == 3
    assert [entity["state"] for entity in body["entities"]] == [
        "active",
        "deleted",
        "active",
    ]


def test_entities_are_whole_targets_without_nulls(
    client: TestClient, services: Services, viewer: dict[str, str]
) -> None:
    services.action_targets.create(ActionTarget(id=target_id(1), name="Sales"))

    body = client.get(PATH, headers=viewer).json()

    assert body["entities"] == [
        {
            "id": target_id(1),
            "name": "Sales",
            "userData": [],
            "supportedMediaTypes": [],
            "state": "active",
            "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
            "selfUri": f"/api/v2/journey/actiontargets/{target_id(1)}",
            "createdDate": "2026-01-05T12:00:00.000Z",
            "modifiedDate": "2026-01-05T12:00:00.000Z",
        }
    ]
