"""Faults files: YAML or JSON, a list of faults or an object whose ``faults`` is one."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from journeyapi.errors import InvalidValue
from journeyapi.faults.rules import checked
from journeyapi.models.faults import Fault


class FaultFileError(ValueError):
    pass


def read_faults(path: Path) -> list[Fault]:
    try:
        text = path.read_text(encoding="utf-8")
        loaded = (
            json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        )
    except (OSError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise FaultFileError(f"{path} cannot be read as JSON or YAML: {exc}") from exc

    if isinstance(loaded, dict) and "faults" in loaded:
        loaded = loaded["faults"]
    if loaded is None:
        return []
    faults = _parsed(path, loaded)
    for position, fault in enumerate(faults):
        # The checks the service makes, here too, so that the message names
        # the file: a rule from a file is held to the same ranges as a request.
        try:
            checked(fault, "", position)
        except InvalidValue as exc:
            raise FaultFileError(f"{path}: {exc.message}") from exc
    return faults


def _parsed(path: Path, loaded: object) -> list[Fault]:
    try:
        return TypeAdapter(list[Fault]).validate_python(loaded)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FaultFileError(
            f"{path}: {where or 'top level'}: {first['msg']}"
            " (expected a list of faults)"
        ) from exc
