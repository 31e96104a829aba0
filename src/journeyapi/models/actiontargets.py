"""Action targets: the journey service's copies of routing targets (queues)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import StrictFloat, StrictInt

from journeyapi.models.common import KeyValue, OpenEnum, UtcDateTime, WireModel


class ActionTargetState(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    DELETED = "deleted"


class MediaType(StrEnum):
    CALLBACK = "callback"
    CALL = "call"
    EMAIL = "email"
    GENERIC = "generic"
    MESSAGING = "messaging"
    SOCIAL = "social"
    WEBCHAT = "webchat"


class ServiceLevel(WireModel):
    """Numbers are strict: ``"0.5"`` and ``true`` are not numbers, nor ``7.0`` a
    duration; a JSON integer is a fine percentage.

    Neither field is required by the swagger, so the model reads either alone
    (the client must read what Genesys sends); the server refuses a partial
    one in a body, since it replaces the stored one whole.
    """

    percentage: StrictFloat | None = None
    duration_ms: StrictInt | None = None


class ActionTarget(WireModel):
    id: str | None = None
    name: str | None = None
    user_data: list[KeyValue] | None = None
    supported_media_types: list[OpenEnum[MediaType]] | None = None
    state: OpenEnum[ActionTargetState] | None = None
    description: str | None = None
    service_level: ServiceLevel | None = None
    short_abandon_threshold: StrictInt | None = None
    self_uri: str | None = None
    created_date: UtcDateTime | None = None
    modified_date: UtcDateTime | None = None


class PatchActionTarget(WireModel):
    """The body of an action target PATCH: only the fields present change."""

    id: str | None = None
    name: str | None = None
    service_level: ServiceLevel | None = None
    short_abandon_threshold: StrictInt | None = None
    self_uri: str | None = None


class ActionTargetListing(WireModel):
    entities: list[ActionTarget] | None = None
    page_size: int | None = None
    page_number: int | None = None
    total: int | None = None
    first_uri: str | None = None
    self_uri: str | None = None
    next_uri: str | None = None
    previous_uri: str | None = None
    last_uri: str | None = None
    page_count: int | None = None
