"""External contacts, the CRM contacts that segments are assigned to.

A contact is a customer: creating one links it to the customer known by its
email addresses or phone numbers (or a new one), and adds the pair
("externalContactId", contact id), so its assignments are listed under any of
those customer ids.
"""

from __future__ import annotations

import uuid

from journeyapi.clock import Clock, from_millis, to_millis
from journeyapi.errors import InvalidValue
from journeyapi.models.externalcontacts import ExternalContact, PhoneNumber
from journeyapi.segments import store
from journeyapi.segments.customers import CustomerService, Identity, contact_uri
from journeyapi.segments.errors import (
    EntityExists,
    ExternalContactNotFound,
    MissingBody,
)
from journeyapi.storage.database import Database

CONTACT_ID_TYPE = "externalContactId"
EMAIL_ID_TYPE = "email"
PHONE_ID_TYPE = "phone"

_EMAILS = ("work_email", "personal_email", "other_email")
_PHONES = ("cell_phone", "work_phone", "home_phone", "other_phone")


def phone_identity(phone: PhoneNumber | None) -> str | None:
    """The number a phone is known by: its E.164 form, else what is displayed."""
    if phone is None:
        return None
    for value in (phone.e164, phone.display):
        if value and value.strip():
            return value.strip()
    return None


def identities_of(contact: ExternalContact) -> list[Identity]:
    assert contact.id is not None
    found = [Identity(CONTACT_ID_TYPE, contact.id)]
    for field in _EMAILS:
        email = getattr(contact, field)
        if email and email.strip():
            found.append(Identity(EMAIL_ID_TYPE, email.strip()))
    for field in _PHONES:
        number = phone_identity(getattr(contact, field))
        if number:
            found.append(Identity(PHONE_ID_TYPE, number))
    return list(dict.fromkeys(found))


class ExternalContactService:
    def __init__(self, db: Database, clock: Clock, customers: CustomerService) -> None:
        self._db = db
        self._clock = clock
        self._customers = customers

    def get(self, contact_id: str) -> ExternalContact:
        row = store.get_contact(self._db, contact_id)
        if row is None:
            raise ExternalContactNotFound(contact_id)
        contact = ExternalContact.model_validate_json(row["body"])
        return contact.model_copy(
            update={
                "id": row["id"],
                "create_date": from_millis(row["created_ms"]),
                "modify_date": from_millis(row["modified_ms"]),
                "self_uri": contact_uri(row["id"]),
            }
        )

    def customer_of(self, contact_id: str) -> str:
        row = store.get_contact(self._db, contact_id)
        if row is None:
            raise ExternalContactNotFound(contact_id)
        return str(row["customer"])

    def create(self, contact: ExternalContact | None) -> ExternalContact:
        if contact is None:
            raise MissingBody()
        names = [contact.first_name, contact.last_name]
        if not any(name and name.strip() for name in names):
            raise InvalidValue("firstName", "null", "a non-empty firstName or lastName")
        contact_id = _canonical_id(contact.id)
        now = self._clock.now()
        stored = contact.model_copy(
            update={
                "id": contact_id,
                "create_date": None,
                "modify_date": None,
                "self_uri": None,
            }
        )

        with self._db.transaction():
            if store.get_contact(self._db, contact_id) is not None:
                raise EntityExists(contact_id)
            customer_id = self._customers.find_or_create(identities_of(stored))
            store.insert_contact(
                self._db,
                {
                    "id": contact_id,
                    "customer": customer_id,
                    "body": stored.to_json().decode(),
                    "created_ms": to_millis(now),
                    "modified_ms": to_millis(now),
                },
            )
        return self.get(contact_id)


def _canonical_id(value: str | None) -> str:
    if value is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue("id", value, "UUIDs") from None
