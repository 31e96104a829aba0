"""Building blocks every wire schema uses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


class WireModel(BaseModel):
    """Base of every wire schema: camelCase names, unknown properties ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        use_enum_values=False,
    )

    def to_json(self) -> bytes:
        """The wire form: aliases, and no property whose value is absent."""
        return self.model_dump_json(by_alias=True, exclude_none=True).encode()

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def first_problem(error: ValidationError, top: str | None = None) -> str:
    """``serviceLevel.percentage: Input should be ...``: the first of ``error``.

    A problem of the whole value, which has no location, is named ``top`` when
    given, and is the bare message otherwise.
    """
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or top
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def format_instant(instant: datetime) -> str:
    """``2020-11-05T14:03:22.123Z``: the one form Genesys sends date-times in."""
    utc = instant.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:"
        f"{utc.minute:02d}:{utc.second:02d}.{utc.microsecond // 1000:03d}Z"
    )


def _require_offset(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        # The error type pydantic's own AwareDatetime reports, so that the HTTP
        # layer can tell a naive date-time from other bad values.
        raise PydanticCustomError(
            "timezone_aware",
            "a date-time needs a UTC offset, for example Z or +01:00",
        )
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00+01:00 is a valid local time of no UTC instant.
        raise PydanticCustomError(
            "datetime_range",
            "a date-time must fall between 0001-01-01 and 9999-12-31 in UTC",
        ) from None


# What pydantic would otherwise read as seconds since 1970: "1605000000.5".
_EPOCH_SECONDS = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)\s*")


def _require_text(value: object) -> object:
    # The API speaks ISO-8601 text only; a number, or a string of one, is
    # refused rather than taken for seconds since 1970.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _EPOCH_SECONDS.fullmatch(value):
        raise PydanticCustomError(
            "datetime_type",
            "a date-time is an ISO-8601 string with a UTC offset,"
            " for example 2020-11-02T10:00:00Z",
        )
    return value


UtcDateTime = Annotated[
    datetime,
    BeforeValidator(_require_text),
    AfterValidator(_require_offset),
    PlainSerializer(format_instant, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

E = TypeVar("E", bound=StrEnum)

# An enum that also accepts values it does not know, kept as the raw string. The
# left-to-right union tries the enum first, so known values become members.
OpenEnum = Annotated[E | str, Field(union_mode="left_to_right")]


class KeyValue(WireModel):
    key: str
    value: str


class AddressableEntityRef(WireModel):
    id: str | None = None
    self_uri: str | None = None


class Detail(WireModel):
    error_code: str | None = None
    field_name: str | None = None
    entity_id: str | None = None
    entity_name: str | None = None


class ErrorBody(WireModel):
    """The body of every error response."""

    message: str | None = None
    code: str | None = None
    status: int | None = None
    entity_id: str | None = None
    entity_name: str | None = None
    message_with_params: str | None = None
    message_params: dict[str, str] | None = None
    context_id: str | None = None
    details: list[Detail] | None = None
    errors: list[ErrorBody] | None = None
