"""Journey customers and sessions (journeyapi extensions).

Genesys learns customers and sessions from its tracking snippet; journeyapi lets
an administrator (and the event ingestion) create them.
"""

from __future__ import annotations

from journeyapi.models.common import AddressableEntityRef, UtcDateTime, WireModel


class CustomerIdentity(WireModel):
    """One way a customer is known: ``{"idType": "email", "id": "ann@..."}``."""

    id_type: str
    id: str


class Customer(WireModel):
    id: str | None = None
    identities: list[CustomerIdentity] | None = None
    external_contacts: list[AddressableEntityRef] | None = None
    self_uri: str | None = None
    created_date: UtcDateTime | None = None


class SessionCustomer(WireModel):
    """The customer a session belongs to, by one of its identities."""

    id: str
    id_type: str


class JourneySession(WireModel):
    id: str | None = None
    type: str | None = None
    customer: SessionCustomer | None = None
    created_date: UtcDateTime | None = None
    ended_date: UtcDateTime | None = None
    self_uri: str | None = None


class EndSession(WireModel):
    """The body of the session-end extension route; the end defaults to now."""

    ended_date: UtcDateTime | None = None
