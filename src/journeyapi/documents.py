"""JSON and YAML files the commands read: each way one can fail is one line.

Faults files, action target imports and aggregate query files are read alike,
so that a file which is not UTF-8, is nested too deeply or is not JSON or YAML
is refused with the same words whichever command was given it.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml


class DocumentError(ValueError):
    """A file that cannot be read as JSON or YAML; the message is one line."""


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
