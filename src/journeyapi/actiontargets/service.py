"""The rules of action targets.

Genesys creates action targets by synchronising them from routing queues; its API
only reads them and updates two fields. journeyapi adds provisioning (create,
import, delete) for the same objects, under permissions of their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from journeyapi.actiontargets import store
from journeyapi.clock import Clock, to_millis
from journeyapi.errors import BadRequest, Conflict, InvalidValue, NotFound
from journeyapi.limits import check_storable
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetState,
    MediaType,
    PatchActionTarget,
    ServiceLevel,
)
from journeyapi.paging import PageRequest
from journeyapi.storage.database import Database

# The documented default objective: 80 % of offers answered within 20 seconds.
DEFAULT_SERVICE_LEVEL = ServiceLevel(percentage=0.8, duration_ms=20000)

# Large enough for any real objective, small enough to stay exact in JSON.
MAX_DURATION_MS = 2**53 - 1
MAX_SHORT_ABANDON_THRESHOLD = 2**31 - 1


class ActionTargetNotFound(NotFound):
    def __init__(self, target_id: str) -> None:
        super().__init__(entity_id=target_id)


class ActionTargetExists(Conflict):
    template = "An action target with id [{id}] already exists."

    def __init__(self, target_id: str) -> None:
        super().__init__({"id": target_id}, entity_id=target_id)


class MissingBody(BadRequest):
    template = "The request needs a JSON body; an empty object changes nothing."


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


class ActionTargetService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, target_id: str) -> ActionTarget:
        target = store.get(self._db, target_id)
        if target is None:
            raise ActionTargetNotFound(target_id)
        return target

    def list_page(self, page: PageRequest) -> tuple[list[ActionTarget], int]:
        """One page in name order, and the total across all pages."""
        total = store.count(self._db)
        if page.offset >= total:
            return [], total
        return store.page(self._db, page.offset, page.size), total

    def patch(self, target_id: str, patch: PatchActionTarget | None) -> ActionTarget:
        """Change the fields present in ``patch``; the others keep their values.

        Read-only and unknown fields are ignored. A patch with no writable field
        changes nothing, not even ``modifiedDate``.
        """
        if patch is None:
            raise MissingBody()

        present = patch.model_fields_set & {
            "name",
            "service_level",
            "short_abandon_threshold",
        }
        if "name" in present:
            _check_name(patch.name)
        if "service_level" in present:
            _check_service_level(patch.service_level)
        if "short_abandon_threshold" in present:
            _check_short_abandon_threshold(patch.short_abandon_threshold)

        with self._db.transaction():
            target = self.get(target_id)
            if not present:
                return target

            changes = {field: getattr(patch, field) for field in present}
            updated = target.model_copy(
                update={**changes, "modified_date": self._clock.now()}
            )
            store.update_editable(self._db, updated)
        return updated

    def create(self, target: ActionTarget | None) -> ActionTarget:
        if target is None:
            raise MissingBody()
        prepared = self._prepare(target)
        with self._db.transaction():
            if store.get(self._db, str(prepared.id)) is not None:
                raise ActionTargetExists(str(prepared.id))
            store.insert(self._db, prepared)
        return prepared

    def delete(self, target_id: str, *, hard: bool = False) -> None:
        """Mark a target ``deleted``, as Genesys does for a removed queue.

        With ``hard`` the row is removed instead, for callers cleaning up
        after a test.
        """
        with self._db.transaction():
            if hard:
                touched = store.delete(self._db, target_id)
            else:
                touched = store.set_state(
                    self._db,
                    target_id,
                    ActionTargetState.DELETED,
                    to_millis(self._clock.now()),
                )
        if not touched:
            raise ActionTargetNotFound(target_id)

    def import_targets(
        self, targets: Sequence[ActionTarget], *, replace: bool = True
    ) -> ImportSummary:
        """Create or (with ``replace``) overwrite many targets, all or none.

        Every target is checked before the first is written.
        """
        prepared = [
            self._prepare(target, index) for index, target in enumerate(targets)
        ]
        ids = [str(target.id) for target in prepared]
        duplicates = {target_id for target_id in ids if ids.count(target_id) > 1}
        if duplicates:
            raise InvalidValue("id", sorted(duplicates)[0], "ids unique within a file")

        created = 0
        with self._db.transaction():
            for target in prepared:
                if replace:
                    created += store.upsert(self._db, target)
                else:
                    created += store.insert_missing(self._db, target)
        updated = len(prepared) - created if replace else 0
        return ImportSummary(created=created, updated=updated)

    def _prepare(self, target: ActionTarget, index: int | None = None) -> ActionTarget:
        """Check a new target and fill in what the server decides."""
        prefix = "" if index is None else f"[{index}]."
        _check_texts(target, prefix)
        _check_name(target.name, prefix + "name")
        _check_state(target.state, prefix + "state")
        for media in target.supported_media_types or []:
            _check_media_type(media, prefix + "supportedMediaTypes")
        if target.service_level is not None:
            _check_service_level(target.service_level, prefix + "serviceLevel")
        if target.short_abandon_threshold is not None:
            _check_short_abandon_threshold(
                target.short_abandon_threshold, prefix + "shortAbandonThreshold"
            )

        target_id = _canonical_id(target.id, prefix + "id")
        now = self._clock.now()
        created = target.created_date or now
        return target.model_copy(
            update={
                "id": target_id,
                "state": ActionTargetState(target.state or ActionTargetState.ACTIVE),
                "supported_media_types": [
                    MediaType(media) for media in target.supported_media_types or []
                ],
                "user_data": target.user_data or [],
                "service_level": target.service_level or DEFAULT_SERVICE_LEVEL,
                "created_date": created,
                "modified_date": target.modified_date or created,
                # The server's own link, whatever the caller sent.
                "self_uri": store.self_uri(target_id),
            }
        )


def _canonical_id(value: str | None, field: str) -> str:
    if value is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidValue(field, value, "UUIDs") from None


def _check_texts(target: ActionTarget, prefix: str) -> None:
    """Refuse a NUL or a lone surrogate in any string of ``target``.

    The HTTP edge refuses them in every body, but an import file reaches the
    service without passing it, and no store can hold either. Checked first,
    so that no later message quotes such a value.
    """
    document = target.model_dump(by_alias=True, exclude_none=True)
    for field, text in _texts(document, prefix.rstrip(".")):
        check_storable(field, text)


def _texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` with its path (``[0].userData[1].key``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _texts(item, f"{path}[{position}]")


def _check_name(name: str | None, field: str = "name") -> None:
    if name is None or not name.strip():
        raise InvalidValue(field, "null" if name is None else name, "non-empty strings")
    check_storable(field, name)


def _check_state(state: object, field: str) -> None:
    allowed = [member.value for member in ActionTargetState]
    if state is not None and state not in allowed:
        raise InvalidValue(field, state, ", ".join(allowed))


def _check_media_type(media: object, field: str) -> None:
    allowed = [member.value for member in MediaType]
    if media not in allowed:
        raise InvalidValue(field, media, ", ".join(allowed))


def _check_service_level(
    level: ServiceLevel | None, field: str = "serviceLevel"
) -> None:
    """Both fields, in range: the object replaces the stored one whole, so a
    missing field would leave the target with half an objective."""
    if level is None:
        raise InvalidValue(field, "null", "objects with percentage and durationMs")
    percentage = level.percentage
    # Written so that NaN fails too: every comparison with NaN is false.
    if percentage is None or not 0 <= percentage <= 1:
        raise InvalidValue(
            f"{field}.percentage", _shown(percentage), "numbers from 0 to 1"
        )
    duration = level.duration_ms
    if duration is None or not 0 < duration <= MAX_DURATION_MS:
        raise InvalidValue(
            f"{field}.durationMs",
            _shown(duration),
            f"integers from 1 to {MAX_DURATION_MS}",
        )


def _shown(value: float | None) -> object:
    return "null" if value is None else value


def _check_short_abandon_threshold(
    value: int | None, field: str = "shortAbandonThreshold"
) -> None:
    if value is None or not 0 <= value <= MAX_SHORT_ABANDON_THRESHOLD:
        raise InvalidValue(
            field, _shown(value), f"integers from 0 to {MAX_SHORT_ABANDON_THRESHOLD}"
        )
