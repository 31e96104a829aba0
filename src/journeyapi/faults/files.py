"""Faults files: YAML or JSON, a list of faults or an object whose ``faults`` is one."""

from __future__ import annotations

from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from journeyapi.documents import DocumentError, read_document
from journeyapi.errors import InvalidValue
from journeyapi.faults.rules import checked
from journeyapi.limits import Limits, check_strings
from journeyapi.models.common import first_problem
from journeyapi.models.faults import Fault


class FaultFileError(DocumentError):
    pass


def read_faults(path: Path) -> list[Fault]:
    try:
        loaded = read_document(path)
    except DocumentError as exc:
        raise FaultFileError(str(exc)) from None

    if isinstance(loaded, dict) and "faults" in loaded:
        loaded = loaded["faults"]
    if loaded is None:
        return []
    _check_texts(path, loaded)
    faults = _parsed(path, loaded)
    for position, fault in enumerate(faults):
        # The checks the service makes, here too, so that the message names
        # the file: a rule from a file is held to the same ranges as a request.
        try:
            checked(fault, "", position)
        except InvalidValue as exc:
            raise FaultFileError(f"{path}: {exc.message}") from exc
    return faults


def _check_texts(path: Path, loaded: object) -> None:
    # The HTTP edge refuses a NUL or a lone surrogate in any key or value; a
    # file reaches the store without passing it, and once stored such a rule
    # breaks every listing. Checked first, so that no later message quotes one.
    try:
        check_strings({"faults": loaded}, Limits().string_length)
    except InvalidValue as exc:
        raise FaultFileError(f"{path}: {exc.message}") from None


def _parsed(path: Path, loaded: object) -> list[Fault]:
    try:
        return TypeAdapter(list[Fault]).validate_python(loaded)
    except ValidationError as exc:
        raise FaultFileError(
            f"{path}: {first_problem(exc, 'top level')} (expected a list of faults)"
        ) from exc
