"""Customers and the identities they are known by.

A customer has no name of its own in the Journey API: it is whoever carries a
(customerIdType, customerId) pair such as ("email", "ann@example.com"). journeyapi
gives each customer an internal id and keeps every pair it is known by, so that
an external contact, its email address and its phone number are one customer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from journeyapi.analytics.mentions import Mentions, mentions_of
from journeyapi.clock import Clock, from_millis, to_millis
from journeyapi.errors import InvalidValue
from journeyapi.models.common import AddressableEntityRef
from journeyapi.models.customers import Customer, CustomerIdentity
from journeyapi.segments import store
from journeyapi.segments.errors import (
    CustomerNotFound,
    EntityExists,
    IdentityTaken,
    MissingBody,
)
from journeyapi.storage.database import Database

MAX_ID_LENGTH = 256
DEFAULT_SESSION_TYPE = "web"


def customer_uri(customer_id: str) -> str:
    return f"/api/v2/journey/customers/{customer_id}"


def contact_uri(contact_id: str) -> str:
    return f"/api/v2/externalcontacts/contacts/{contact_id}"


@dataclass(frozen=True)
class Identity:
    id_type: str
    id_value: str


def check_identity(id_type: str | None, id_value: str | None, field: str) -> Identity:
    """An identity as the API accepts it: two non-empty strings, kept as given."""
    for name, value in ((f"{field}idType", id_type), (f"{field}id", id_value)):
        if value is None or not value.strip() or len(value) > MAX_ID_LENGTH:
            raise InvalidValue(
                name,
                "null" if value is None else value,
                f"non-empty strings of at most {MAX_ID_LENGTH} characters",
            )
    assert id_type is not None and id_value is not None
    return Identity(id_type, id_value)


class CustomerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, customer_id: str) -> Customer:
        row = store.get_customer(self._db, customer_id)
        if row is None:
            raise CustomerNotFound(customer_id)
        identities = store.identities_of(self._db, customer_id)
        contacts = store.contacts_of(self._db, customer_id)
        return Customer(
            id=customer_id,
            identities=[
                CustomerIdentity(id_type=item["id_type"], id=item["id_value"])
                for item in identities
            ],
            external_contacts=[
                AddressableEntityRef(id=contact, self_uri=contact_uri(contact))
                for contact in contacts
            ]
            or None,
            self_uri=customer_uri(customer_id),
            created_date=from_millis(row["created_ms"]),
        )

    def find(self, id_type: str, id_value: str) -> str | None:
        """The internal id of the customer known by this pair, if any."""
        return store.customer_of_identity(self._db, id_type, id_value)

    def create(self, customer: Customer | None) -> Customer:
        """A new customer with the given identities, none of them taken."""
        if customer is None:
            raise MissingBody()
        identities = [
            check_identity(item.id_type, item.id, f"identities[{index}].")
            for index, item in enumerate(customer.identities or [])
        ]
        if not identities:
            raise InvalidValue("identities", "[]", "lists of at least one identity")
        customer_id = _canonical_id(customer.id)

        with self._db.transaction():
            if store.get_customer(self._db, customer_id) is not None:
                raise EntityExists(customer_id)
            for identity in identities:
                if self.find(identity.id_type, identity.id_value) is not None:
                    raise IdentityTaken(identity.id_type, identity.id_value)
            self._insert(customer_id, identities)
        return self.get(customer_id)

    def find_or_create(self, identities: Sequence[Identity]) -> str:
        """The customer known by the first of ``identities`` that is known, or a
        new one; the pairs not yet known are added to it. A pair that belongs
        to another customer stays with that customer. Call it in a transaction.
        """
        customer_id = None
        for identity in identities:
            customer_id = self.find(identity.id_type, identity.id_value)
            if customer_id is not None:
                break
        if customer_id is None:
            customer_id = str(uuid.uuid4())
            store.insert_customer(self._db, customer_id, to_millis(self._clock.now()))
        created_ms = to_millis(self._clock.now())
        for identity in identities:
            store.insert_identity(
                self._db, customer_id, identity.id_type, identity.id_value, created_ms
            )
        return customer_id

    def record_from_events(self, events: pa.Table) -> None:
        """Create the customers and sessions ``events`` mention that do not exist.

        ``events`` are new journey events as stored, in the order they came
        (``analytics.mentions`` says what each mentions). Idempotent: running it
        again with the same events changes nothing. A session that exists
        already is not changed by later events.
        """
        self.record(mentions_of(events))

    def record(self, mentions: Mentions) -> None:
        if not mentions:
            return
        with self._db.transaction():
            store.record_mentions(
                self._db,
                mentions.identities,
                mentions.sessions,
                to_millis(self._clock.now()),
                DEFAULT_SESSION_TYPE,
            )

    def _insert(self, customer_id: str, identities: Sequence[Identity]) -> None:
        created_ms = to_millis(self._clock.now())
        store.insert_customer(self._db, customer_id, created_ms)
        for identity in identities:
            store.insert_identity(
                self._db, customer_id, identity.id_type, identity.id_value, created_ms
            )


def _canonical_id(value: str | None) -> str:
    if value is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue("id", value, "UUIDs") from None
