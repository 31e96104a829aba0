"""Faults files: YAML or JSON, a list of faults or an object whose ``faults`` is one.

Also the reading of such a file, which every command taking a JSON or YAML file
shares: each way it can fail is one line naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from journeyapi.errors import InvalidValue
from journeyapi.faults.rules import checked
from journeyapi.limits import Limits, check_strings
from journeyapi.models.faults import Fault


class DocumentError(ValueError):
    """A file that cannot be read as JSON or YAML; the message is one line."""


class FaultFileError(DocumentError):
    pass


def read_document(path: Path) -> object:
    """The document in ``path``: JSON for a ``.json`` name, YAML otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path} cannot be read: {exc.strerror or exc}") from None
    return parse_document(str(path), data, as_json=path.suffix.lower() == ".json")


def parse_document(name: str, data: bytes, *, as_json: bool) -> object:
    """The document in ``data``, read from ``name`` (which messages quote)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name} is not UTF-8 text (byte {exc.start + 1})"
        ) from None
    try:
        return json.loads(text) if as_json else yaml.safe_load(text)
    except RecursionError:
        raise DocumentError(f"{name} is nested too deeply to read") from None
    except yaml.YAMLError as exc:
        raise DocumentError(
            f"{name} is not valid JSON or YAML: {_yaml_problem(exc)}"
        ) from None
    except ValueError as exc:
        # JSON's decode errors, and integers of thousands of digits.
        raise DocumentError(f"{name} is not valid JSON or YAML: {exc}") from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    # PyYAML's own text spans several lines, quoting the source with a caret.
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        problem = error.problem or error.context
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(error).split())


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
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FaultFileError(
            f"{path}: {where or 'top level'}: {first['msg']}"
            " (expected a list of faults)"
        ) from exc
