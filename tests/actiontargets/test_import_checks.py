"""``journeyapi actiontargets import``: text no store can hold, and strict numbers.

A file reaches the service without passing the HTTP edge, so the import makes
the edge's checks itself: a lone surrogate or a NUL in any string, a number of
the wrong JSON type or half a service level is one line naming the field, exit
status 1, and no target written. On both databases (PostgreSQL refuses NUL in
text, and neither store can encode a surrogate).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from journeyapi.cli import main
from journeyapi.config import Settings
from journeyapi.services import Services
from journeyapi.storage import migrate

SURROGATE = "valid Unicode text (a lone surrogate such as \\ud800 is not)"
NUL = "text without NUL (\\u0000) characters"


def imported(file: Path, database_url: str) -> Result:
    return CliRunner().invoke(
        main, ["actiontargets", "import", str(file), "--database", database_url]
    )


def stored_names(database_url: str) -> list[str]:
    # A file refused before the import opens the database leaves no schema.
    migrate.upgrade(database_url)
    services = Services.build(Settings(database_url=database_url))
    try:
        rows = services.db.fetch_all("SELECT name FROM action_targets ORDER BY name")
    finally:
        services.close()
    return [row["name"] for row in rows]


def refusal(value: str, field: str, allowed: str) -> str:
    return (
        f"Error: Value [{value}] is not valid for field type [{field}]. "
        f"Allowable values are: {allowed}\n"
    )


# (file name, its text, the value as shown, the field, what is allowed)
BAD_TEXT = [
    ("surrogate.json", '[{"name": "\\ud800"}]', "\\ud800", "[0].name", SURROGATE),
    ("low.json", '[{"name": "a\\udc00b"}]', "a\\udc00b", "[0].name", SURROGATE),
    ("surrogate.yaml", '- name: "\\ud800"\n', "\\ud800", "[0].name", SURROGATE),
    ("nul.json", '[{"name": "a\\u0000b"}]', "a\\u0000b", "[0].name", NUL),
    ("nul.yaml", '- name: "a\\0b"\n', "a\\u0000b", "[0].name", NUL),
    (
        "description.json",
        '[{"name": "Fine"}, {"name": "Sales", "description": "\\u0000"}]',
        "\\u0000",
        "[1].description",
        NUL,
    ),
    (
        "user-data.json",
        '[{"name": "Sales", "userData": [{"key": "k", "value": "\\udfff"}]}]',
        "\\udfff",
        "[0].userData[0].value",
        SURROGATE,
    ),
    (
        "id.json",
        '[{"id": "\\ud83d", "name": "Sales"}]',
        "\\ud83d",
        "[0].id",
        SURROGATE,
    ),
    (
        "state.json",
        '[{"name": "Sales", "state": "active\\u0000"}]',
        "active\\u0000",
        "[0].state",
        NUL,
    ),
]


@pytest.mark.parametrize(("name", "text", "shown", "field", "allowed"), BAD_TEXT)
def test_a_string_no_store_can_hold_is_one_line_and_writes_nothing(
    database_url: str,
    tmp_path: Path,
    name: str,
    text: str,
    shown: str,
    field: str,
    allowed: str,
) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")

    result = imported(file, database_url)

    assert result.exit_code == 1
    assert result.output == refusal(shown, field, allowed)
    assert stored_names(database_url) == []


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (
            '{"percentage": "0.5", "durationMs": 1}',
            "0.serviceLevel.percentage: Input should be a valid number",
        ),
        (
            '{"percentage": true, "durationMs": 1}',
            "0.serviceLevel.percentage: Input should be a valid number",
        ),
        (
            '{"percentage": 0.5, "durationMs": "7"}',
            "0.serviceLevel.durationMs: Input should be a valid integer",
        ),
    ],
)
def test_a_number_of_the_wrong_json_type_is_refused_naming_the_field(
    database_url: str, tmp_path: Path, level: str, message: str
) -> None:
    file = tmp_path / "targets.json"
    file.write_text(f'[{{"name": "Sales", "serviceLevel": {level}}}]')

    result = imported(file, database_url)

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {file}: {message} (expected a list of action targets)\n"
    )
    assert stored_names(database_url) == []


def test_a_partial_service_level_is_refused_naming_the_missing_field(
    database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "targets.yaml"
    file.write_text("- name: Sales\n  serviceLevel: {percentage: 0.5}\n")

    result = imported(file, database_url)

    assert result.exit_code == 1
    assert result.output == refusal(
        "null", "[0].serviceLevel.durationMs", "integers from 1 to 9007199254740991"
    )
    assert stored_names(database_url) == []


def test_plain_unicode_is_imported_as_it_is(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "targets.json"
    # A surrogate pair is one character (U+1F600), not a lone surrogate.
    file.write_text('[{"name": "Caf\\u00e9 \\ud83d\\ude00"}, {"name": "Zoë"}]')

    result = imported(file, database_url)

    assert result.exit_code == 0
    assert stored_names(database_url) == ["Café \U0001f600", "Zoë"]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("latin.json", b'[{"name": "Caf\xe9"}]', "is not UTF-8 text (byte 15)"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "is nested too deeply to read"),
        (
            "huge.json",
            b'[{"name": "x", "shortAbandonThreshold": ' + b"9" * 5000 + b"}]",
            "is not valid JSON or YAML: Exceeds the limit (4300 digits)",
        ),
    ],
)
def test_a_file_that_cannot_be_read_is_one_line(
    tmp_path: Path, database_url: str, name: str, content: bytes, said: str
) -> None:
    file = tmp_path / name
    file.write_bytes(content)

    result = imported(file, database_url)

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {file} {said}")
    assert result.output.count("\n") == 1
    assert stored_names(database_url) == []
