"""The failures of segments, customers, sessions and assignments."""

from __future__ import annotations

from journeyapi.errors import (
    BadRequest,
    Conflict,
    FieldProblem,
    InvalidValue,
    NotFound,
)


class SegmentNotFound(NotFound):
    def __init__(self, segment_id: str) -> None:
        super().__init__(entity_id=segment_id)


class ExternalContactNotFound(NotFound):
    def __init__(self, contact_id: str) -> None:
        super().__init__(entity_id=contact_id)


class SessionNotFound(NotFound):
    def __init__(self, session_id: str) -> None:
        super().__init__(entity_id=session_id)


class CustomerNotFound(NotFound):
    def __init__(self, customer_id: str) -> None:
        super().__init__(entity_id=customer_id)


class MissingBody(BadRequest):
    template = "The request needs a JSON body."


class UnknownSegment(BadRequest):
    code = "invalid.value"
    template = "Segment [{segmentId}] does not exist."

    def __init__(self, segment_id: str, field: str) -> None:
        super().__init__(
            {"segmentId": segment_id},
            details=[FieldProblem(self.code, field_name=field, entity_id=segment_id)],
            entity_id=segment_id,
        )


class WrongSegmentScope(BadRequest):
    code = "invalid.value"
    template = (
        "Segment [{segmentId}] has scope [{scope}]; only [{allowed}]-scoped"
        " segments can be assigned here."
    )

    def __init__(self, segment_id: str, scope: str, allowed: str, field: str) -> None:
        super().__init__(
            {"segmentId": segment_id, "scope": scope, "allowed": allowed},
            details=[FieldProblem(self.code, field_name=field, entity_id=segment_id)],
            entity_id=segment_id,
        )


class InactiveSegment(BadRequest):
    code = "invalid.value"
    template = "Segment [{segmentId}] is not active and cannot be assigned."

    def __init__(self, segment_id: str, field: str) -> None:
        super().__init__(
            {"segmentId": segment_id},
            details=[FieldProblem(self.code, field_name=field, entity_id=segment_id)],
            entity_id=segment_id,
        )


class DuplicateSegment(BadRequest):
    code = "invalid.value"
    template = "Segment [{segmentId}] appears more than once in the request."

    def __init__(self, segment_id: str, field: str) -> None:
        super().__init__(
            {"segmentId": segment_id},
            details=[FieldProblem(self.code, field_name=field, entity_id=segment_id)],
            entity_id=segment_id,
        )


class SessionEnded(BadRequest):
    template = "Session [{sessionId}] has ended; its segments can no longer change."

    def __init__(self, session_id: str) -> None:
        super().__init__({"sessionId": session_id}, entity_id=session_id)


class SessionAlreadyEnded(Conflict):
    template = "Session [{sessionId}] has already ended."

    def __init__(self, session_id: str) -> None:
        super().__init__({"sessionId": session_id}, entity_id=session_id)


class EndBeforeStart(BadRequest):
    code = "invalid.value"
    template = "The end [{end}] of session [{sessionId}] is before its start [{start}]."

    def __init__(self, session_id: str, start: str, end: str) -> None:
        super().__init__(
            {"sessionId": session_id, "start": start, "end": end},
            details=[FieldProblem(self.code, field_name="endedDate")],
        )


class ScopeIsFixed(BadRequest):
    code = "invalid.value"
    template = (
        "Value [{value}] is not valid for field type [scope]. Allowable values"
        " are: {allowed} (the scope of a segment cannot change)"
    )

    def __init__(self, segment_id: str, value: str, allowed: str) -> None:
        super().__init__(
            {"value": value, "allowed": allowed},
            details=[FieldProblem(self.code, field_name="scope")],
            entity_id=segment_id,
        )


class IdentityTaken(Conflict):
    template = "Customer id [{id}] of type [{idType}] already belongs to a customer."

    def __init__(self, id_type: str, id_value: str) -> None:
        super().__init__({"idType": id_type, "id": id_value})


class EntityExists(Conflict):
    template = "An entity with id [{id}] already exists."

    def __init__(self, entity_id: str) -> None:
        super().__init__({"id": entity_id}, entity_id=entity_id)


class VersionMismatch(Conflict):
    template = (
        "Segment [{segmentId}] is at version {current}; the change was made"
        " against version {given}."
    )

    def __init__(self, segment_id: str, current: int, given: int) -> None:
        super().__init__(
            {"segmentId": segment_id, "current": str(current), "given": str(given)},
            entity_id=segment_id,
        )


class BadCursor(InvalidValue):
    """An ``after`` this listing did not hand out: the parameters of the standard
    ``invalid.value`` body, so that clients find the field like any other."""

    def __init__(self, value: str) -> None:
        super().__init__(
            "after", value, "a cursor from the nextUri of this same listing"
        )
