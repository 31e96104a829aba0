"""Every permission journeyapi knows, and the roles that bundle them."""

from __future__ import annotations

from collections.abc import Iterable

from journeyapi.errors import InvalidValue

ACTION_TARGET_VIEW = "journey:actiontarget:view"
ACTION_TARGET_EDIT = "journey:actiontarget:edit"
# Extension permissions: Genesys has no route that creates or deletes a target.
ACTION_TARGET_ADD = "journey:actiontarget:add"
ACTION_TARGET_DELETE = "journey:actiontarget:delete"

SEGMENT_ASSIGNMENT_VIEW = "journey:segmentassignment:view"
SEGMENT_ASSIGNMENT_ADD = "journey:segmentassignment:add"
SEGMENT_ASSIGNMENT_DELETE = "journey:segmentassignment:delete"

SEGMENT_VIEW = "journey:segment:view"
SEGMENT_ADD = "journey:segment:add"
SEGMENT_EDIT = "journey:segment:edit"
SEGMENT_DELETE = "journey:segment:delete"

EXTERNAL_CONTACT_VIEW = "externalContacts:contact:view"
EXTERNAL_CONTACT_ADD = "externalContacts:contact:add"

# Extension permissions: journeyapi provisions customers, sessions and events
# that Genesys collects from its tracking snippet.
CUSTOMER_VIEW = "journey:customer:view"
CUSTOMER_ADD = "journey:customer:add"
SESSION_VIEW = "journey:session:view"
SESSION_ADD = "journey:session:add"
JOURNEY_EVENT_ADD = "journey:event:add"

JOURNEY_AGGREGATE_VIEW = "analytics:journeyAggregate:view"

# Extension permission: injecting faults breaks the service for every caller.
FAULT_EDIT = "journeyapi:fault:edit"

ALL_PERMISSIONS: tuple[str, ...] = (
    ACTION_TARGET_VIEW,
    ACTION_TARGET_EDIT,
    ACTION_TARGET_ADD,
    ACTION_TARGET_DELETE,
    SEGMENT_ASSIGNMENT_VIEW,
    SEGMENT_ASSIGNMENT_ADD,
    SEGMENT_ASSIGNMENT_DELETE,
    SEGMENT_VIEW,
    SEGMENT_ADD,
    SEGMENT_EDIT,
    SEGMENT_DELETE,
    EXTERNAL_CONTACT_VIEW,
    EXTERNAL_CONTACT_ADD,
    CUSTOMER_VIEW,
    CUSTOMER_ADD,
    SESSION_VIEW,
    SESSION_ADD,
    JOURNEY_EVENT_ADD,
    JOURNEY_AGGREGATE_VIEW,
    FAULT_EDIT,
)

ROLES: dict[str, tuple[str, ...]] = {
    # What an integration that reads journey data needs.
    "journey-viewer": (
        ACTION_TARGET_VIEW,
        SEGMENT_ASSIGNMENT_VIEW,
        SEGMENT_VIEW,
        EXTERNAL_CONTACT_VIEW,
        JOURNEY_AGGREGATE_VIEW,
    ),
    # What the Genesys API lets a client change, without the extension routes.
    "journey-editor": (
        ACTION_TARGET_VIEW,
        ACTION_TARGET_EDIT,
        SEGMENT_ASSIGNMENT_VIEW,
        SEGMENT_ASSIGNMENT_ADD,
        SEGMENT_ASSIGNMENT_DELETE,
        SEGMENT_VIEW,
        SEGMENT_ADD,
        SEGMENT_EDIT,
        SEGMENT_DELETE,
        EXTERNAL_CONTACT_VIEW,
        EXTERNAL_CONTACT_ADD,
        JOURNEY_AGGREGATE_VIEW,
    ),
    "admin": ALL_PERMISSIONS,
}


def resolve(permissions: Iterable[str], roles: Iterable[str]) -> tuple[str, ...]:
    """The sorted, de-duplicated permissions a client with these grants holds."""
    granted: set[str] = set()
    for permission in permissions:
        if permission not in ALL_PERMISSIONS:
            raise InvalidValue("permission", permission, ", ".join(ALL_PERMISSIONS))
        granted.add(permission)

    for role in roles:
        if role not in ROLES:
            raise InvalidValue("role", role, ", ".join(ROLES))
        granted.update(ROLES[role])

    return tuple(sorted(granted))
