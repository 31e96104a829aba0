"""Customers, external contacts, ids in paths, and the customers and sessions
that journey event ingestion records."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from journeyapi.services import Services
from tests.conftest import TokenFactory
from tests.segments.conftest import Headers, Maker

CUSTOMERS = "/api/v2/journey/customers"
CONTACTS = "/api/v2/externalcontacts/contacts"
CONTACT_ID = "3f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"


def count(services: Services, table: str) -> int:
    row = services.db.fetch_one(f"SELECT count(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


def test_create_a_customer_with_several_identities(
    client: TestClient, admin: Headers
) -> None:
    body = {
        "identities": [
            {"idType": "email", "id": "ann+news@example.com"},
            {"idType": "cookie", "id": "c-1"},
            {"idType": "email", "id": "ann+news@example.com"},
        ]
    }
    response = client.post(CUSTOMERS, json=body, headers=admin)

    assert response.status_code == 201
    created = response.json()
    assert created == {
        "id": created["id"],
        "identities": [
            {"idType": "cookie", "id": "c-1"},
            {"idType": "email", "id": "ann+news@example.com"},
        ],
        "selfUri": f"{CUSTOMERS}/{created['id']}",
        "createdDate": "2026-01-05T12:00:00.000Z",
    }
    fetched = client.get(f"{CUSTOMERS}/{created['id']}", headers=admin)
    assert fetched.json() == created


def test_an_identity_of_another_customer_is_409_and_nothing_is_stored(
    client: TestClient, admin: Headers, services: Services
) -> None:
    first = {"identities": [{"idType": "email", "id": "ann@example.com"}]}
    assert client.post(CUSTOMERS, json=first, headers=admin).status_code == 201

    second = {
        "identities": [
            {"idType": "cookie", "id": "new"},
            {"idType": "email", "id": "ann@example.com"},
        ]
    }
    response = client.post(CUSTOMERS, json=second, headers=admin)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["messageParams"] == {"idType": "email", "id": "ann@example.com"}
    assert body["message"] == (
        "Customer id [ann@example.com] of type [email] already belongs to a customer."
    )
    assert (count(services, "customers"), count(services, "customer_identities")) == (
        1,
        1,
    )


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        ({}, "identities", "[]", "lists of at least one identity"),
        ({"identities": []}, "identities", "[]", "lists of at least one identity"),
        (
            {"identities": [{"idType": "email", "id": " "}]},
            "identities[0].id",
            " ",
            "non-empty strings of at most 256 characters",
        ),
        (
            {"identities": [{"idType": "", "id": "x"}]},
            "identities[0].idType",
            "",
            "non-empty strings of at most 256 characters",
        ),
        (
            {"identities": [{"idType": "email", "id": "x" * 257}]},
            "identities[0].id",
            "x" * 200 + "...",
            "non-empty strings of at most 256 characters",
        ),
        (
            {"id": "nope", "identities": [{"idType": "a", "id": "b"}]},
            "id",
            "nope",
            "UUIDs",
        ),
    ],
)
def test_a_bad_customer_is_400(
    client: TestClient,
    admin: Headers,
    services: Services,
    body: dict[str, Any],
    field: str,
    value: str,
    allowed: str,
) -> None:
    response = client.post(CUSTOMERS, json=body, headers=admin)

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "value": value,
        "field": field,
        "allowed": allowed,
    }
    assert count(services, "customers") == 0


def test_an_unknown_customer_is_404(client: TestClient, admin: Headers) -> None:
    response = client.get(f"{CUSTOMERS}/{CONTACT_ID}", headers=admin)
    assert response.status_code == 404
    assert response.json()["entityId"] == CONTACT_ID


def test_a_contact_is_created_read_back_and_joins_its_customer(
    client: TestClient, admin: Headers
) -> None:
    made = {"identities": [{"idType": "email", "id": "ann@example.com"}]}
    customer = client.post(CUSTOMERS, json=made, headers=admin).json()["id"]
    body = {
        "id": CONTACT_ID,
        "firstName": "Ann",
        "lastName": "Ö'Hara",
        "workEmail": "ann@example.com",
        "cellPhone": {"display": "(0)7700 900123", "e164": "+447700900123"},
        "selfUri": "/elsewhere",
        "somethingElse": True,
    }

    response = client.post(CONTACTS, json=body, headers=admin)

    assert response.status_code == 200
    expected = {
        "id": CONTACT_ID,
        "firstName": "Ann",
        "lastName": "Ö'Hara",
        "workEmail": "ann@example.com",
        "cellPhone": {"display": "(0)7700 900123", "e164": "+447700900123"},
        "createDate": "2026-01-05T12:00:00.000Z",
        "modifyDate": "2026-01-05T12:00:00.000Z",
        "selfUri": f"{CONTACTS}/{CONTACT_ID}",
    }
    assert response.json() == expected
    assert client.get(f"{CONTACTS}/{CONTACT_ID}", headers=admin).json() == expected
    joined = client.get(f"{CUSTOMERS}/{customer}", headers=admin).json()
    assert joined["identities"] == [
        {"idType": "email", "id": "ann@example.com"},
        {"idType": "externalContactId", "id": CONTACT_ID},
        {"idType": "phone", "id": "+447700900123"},
    ]
    assert joined["externalContacts"] == [
        {"id": CONTACT_ID, "selfUri": f"{CONTACTS}/{CONTACT_ID}"}
    ]


def test_a_contact_joins_the_first_known_identity_and_others_stay_put(
    client: TestClient, admin: Headers, make: Maker
) -> None:
    by_email = {"identities": [{"idType": "email", "id": "bo@example.com"}]}
    email_owner = client.post(CUSTOMERS, json=by_email, headers=admin).json()["id"]
    by_phone = {"identities": [{"idType": "phone", "id": "+15550001"}]}
    phone_owner = client.post(CUSTOMERS, json=by_phone, headers=admin).json()["id"]

    contact = make.contact(workEmail="bo@example.com", cellPhone={"e164": "+15550001"})
    segment = make.segment("VIP")
    make.assign(contact, segment)

    listed = make.listing(f"{CUSTOMERS}/email/bo%40example.com/segments")
    assert [item["externalContact"]["id"] for item in listed["entities"]] == [contact]
    assert make.listing(f"{CUSTOMERS}/phone/%2B15550001/segments")["entities"] == []
    owner = client.get(f"{CUSTOMERS}/{phone_owner}", headers=admin).json()
    assert owner["identities"] == [{"idType": "phone", "id": "+15550001"}]
    joined = client.get(f"{CUSTOMERS}/{email_owner}", headers=admin).json()
    assert [item["idType"] for item in joined["identities"]] == [
        "email",
        "externalContactId",
    ]


@pytest.mark.parametrize(
    ("body", "field", "value", "allowed"),
    [
        (
            {"workEmail": "a@x"},
            "firstName",
            "null",
            "a non-empty firstName or lastName",
        ),
        (
            {"firstName": " ", "lastName": ""},
            "firstName",
            "null",
            "a non-empty firstName or lastName",
        ),
        ({"firstName": "A", "id": "nope"}, "id", "nope", "UUIDs"),
    ],
)
def test_a_bad_contact_is_400(
    client: TestClient,
    admin: Headers,
    services: Services,
    body: dict[str, Any],
    field: str,
    value: str,
    allowed: str,
) -> None:
    response = client.post(CONTACTS, json=body, headers=admin)

    assert response.status_code == 400
    assert response.json()["messageParams"] == {
        "value": value,
        "field": field,
        "allowed": allowed,
    }
    assert count(services, "external_contacts") == 0


def test_contact_errors_404_409_and_403(
    client: TestClient, admin: Headers, make: Maker, token_for: TokenFactory
) -> None:
    missing = client.get(f"{CONTACTS}/{CONTACT_ID}", headers=admin)
    assert (missing.status_code, missing.json()["entityId"]) == (404, CONTACT_ID)

    make.contact(id=CONTACT_ID)
    again = client.post(
        CONTACTS, json={"id": CONTACT_ID, "firstName": "B"}, headers=admin
    )
    assert (again.status_code, again.json()["messageParams"]) == (
        409,
        {"id": CONTACT_ID},
    )

    viewer = token_for("externalContacts:contact:view")
    refused = client.post(CONTACTS, json={"firstName": "C"}, headers=viewer)
    assert refused.status_code == 403
    assert refused.json()["messageParams"] == {
        "permissions": "[externalContacts:contact:add]"
    }
    adder = token_for("externalContacts:contact:add")
    refused = client.get(f"{CONTACTS}/{CONTACT_ID}", headers=adder)
    assert refused.json()["messageParams"] == {
        "permissions": "[externalContacts:contact:view]"
    }


# An id holding "%2F" is covered against a real server in the SDK conformance
# tests: the test client decodes a path twice.
ODD_IDS = [
    "ann+tag@example.com",
    "Ann Smith",
    "Zoë Ünal 東京",
    "a/b",
]


@pytest.mark.parametrize("customer_id", ODD_IDS)
def test_odd_customer_ids_round_trip_through_the_listing(
    make: Maker, customer_id: str
) -> None:
    segment = make.segment("Here", scope="Session")
    session = make.session("email", customer_id)
    make.assign_in_session(session, segment)
    strict = quote(customer_id, safe="")

    for path_id in (strict, quote(customer_id)):  # the SDK's quoting keeps "/"
        listed = make.listing(f"{CUSTOMERS}/email/{path_id}/segments", pageSize="1")
        assert [item["customerId"] for item in listed["entities"]] == [customer_id]
        assert listed["selfUri"] == f"{CUSTOMERS}/email/{strict}/segments?pageSize=1"

    other = make.listing(
        f"{CUSTOMERS}/email/{quote(customer_id + 'x', safe='')}/segments"
    )
    assert other["entities"] == []


def test_next_uri_of_an_odd_customer_id_walks_on(make: Maker) -> None:
    customer_id = "a/b + ö@x"
    session = make.session("email", customer_id)
    for name in ("A", "B"):
        make.assign_in_session(session, make.segment(name, scope="Session"))

    first = make.listing(
        f"{CUSTOMERS}/email/{quote(customer_id)}/segments", pageSize="1"
    )
    assert first["nextUri"].startswith(
        f"{CUSTOMERS}/email/{quote(customer_id, safe='')}/segments?pageSize=1&after="
    )
    second = make.listing(first["nextUri"])
    assert "nextUri" not in second
    assert len(first["entities"]) == len(second["entities"]) == 1
    assert first["entities"][0]["id"] != second["entities"][0]["id"]


# --- what ingestion records -----------------------------------------------------

EVENTS = "/api/v2/journey/events"


def event(index: int, session: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "eventType": "sessionStarted",
        "eventTime": f"2026-01-05T10:{index:02d}:00Z",
        "sessionId": session,
        **fields,
    }


def ingest(client: TestClient, headers: Headers, events: list[Any]) -> Any:
    response = client.post(EVENTS, json={"events": events}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_ingested_events_create_customers_and_sessions(
    client: TestClient, admin: Headers, make: Maker, services: Services
) -> None:
    who = {"journeyCustomerIdType": "cookie", "journeyCustomerId": "ck 1+ö"}
    answer = ingest(
        client,
        admin,
        [
            event(5, "s-1", **who, journeySessionType="app"),
            event(3, "s-1", **who),
            event(7, "s-2", journeyCustomerIdType="email", journeyCustomerId="x@y"),
            event(8, None, journeyCustomerIdType="email", journeyCustomerId="lone@y"),
            event(9, "s-orphan"),
        ],
    )

    assert answer["accepted"] == 5
    session = make.listing("/api/v2/journey/sessions/s-1")
    assert session == {
        "id": "s-1",
        "type": "app",
        "customer": {"id": "ck 1+ö", "idType": "cookie"},
        "createdDate": "2026-01-05T10:03:00.000Z",
        "selfUri": "/api/v2/journey/sessions/s-1",
    }
    assert make.listing("/api/v2/journey/sessions/s-2")["type"] == "web"
    assert services.customers.find("email", "lone@y") is not None
    missing = client.get("/api/v2/journey/sessions/s-orphan", headers=admin)
    assert missing.status_code == 404
    assert (count(services, "customers"), count(services, "sessions")) == (3, 2)

    # The recorded session takes assignments and lists them.
    segment = make.segment("Browsing", scope="Session")
    make.assign_in_session("s-1", segment)
    listed = make.listing("/api/v2/journey/sessions/s-1/segments")
    assert [
        (item["segment"]["id"], item["customerIdType"], item["customerId"],
         item["session"]) for item in listed["entities"]
    ] == [
        (segment, "cookie", "ck 1+ö", {
            "id": "s-1", "type": "app", "selfUri": "/api/v2/journey/sessions/s-1",
        }),
    ]  # fmt: skip
    by_customer = make.listing(f"{CUSTOMERS}/cookie/{quote('ck 1+ö')}/segments")
    assert [item["id"] for item in by_customer["entities"]] == [
        listed["entities"][0]["id"]
    ]


def test_ingestion_is_idempotent_and_leaves_existing_sessions_alone(
    client: TestClient, admin: Headers, make: Maker, services: Services
) -> None:
    make.session("email", "ann@x", id="s-1", createdDate="2026-01-05T10:30:00Z")
    who = {"journeyCustomerIdType": "email", "journeyCustomerId": "ann@x"}
    batch = [event(1, "s-1", **who), event(2, "s-new", **who)]
    before = make.listing("/api/v2/journey/sessions/s-1")

    ingest(client, admin, batch)
    tables = (count(services, "customers"), count(services, "customer_identities"),
              count(services, "sessions"))  # fmt: skip
    answer = ingest(client, admin, batch)
    other = {"journeyCustomerIdType": "cookie", "journeyCustomerId": "k"}
    ingest(client, admin, [event(3, "s-1", **other, journeySessionType="app")])

    assert (answer["accepted"], answer["duplicates"]) == (0, 2)
    assert tables == (1, 1, 2)
    assert make.listing("/api/v2/journey/sessions/s-1") == before
    assert count(services, "sessions") == 2
    assert make.listing("/api/v2/journey/sessions/s-new")["customer"] == {
        "id": "ann@x",
        "idType": "email",
    }
