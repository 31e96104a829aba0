"""A CLI error is one line and a non-zero exit: no traceback, nothing written.

Files that cannot be read, databases that cannot be opened, command-line
values that are not text, and output files that cannot be made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from journeyapi.cli import main

SURROGATE = "valid Unicode text (a lone surrogate such as \\ud800 is not)"
NUL = "text without NUL (\\u0000) characters"
HUGE = b"9" * 5000
CLI = b"from journeyapi.cli import main; main()"
TOO_MANY_DIGITS = (
    "Exceeds the limit (4300 digits) for integer string conversion: value has"
    " 5000 digits; use sys.set_int_max_str_digits() to increase the limit"
)


def run(*args: str, **kwargs: object) -> Result:
    return CliRunner().invoke(main, list(args), **kwargs)  # type: ignore[arg-type]


def refusal(value: str, field: str, allowed: str) -> str:
    return (
        f"Value [{value}] is not valid for field type [{field}]. "
        f"Allowable values are: {allowed}"
    )


# (file name, its bytes, what follows the file name in the message)
UNREADABLE = [
    ("latin.yaml", b"- path: /caf\xe9\n", " is not UTF-8 text (byte 13)"),
    ("bom.json", b"\xff\xfe[]", " is not UTF-8 text (byte 1)"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, " is nested too deeply to read"),
    ("deep.yaml", b"[" * 100_000, " is nested too deeply to read"),
    (
        "huge.json",
        b'{"count": ' + HUGE + b"}",
        f" is not valid JSON or YAML: {TOO_MANY_DIGITS}",
    ),
    (
        "huge.yaml",
        b"count: " + HUGE + b"\n",
        f" is not valid JSON or YAML: {TOO_MANY_DIGITS}",
    ),
    (
        "syntax.yaml",
        b"faults: [1\n",
        " is not valid JSON or YAML: expected ',' or ']', but got '<stream end>'"
        " (line 2, column 1)",
    ),
    (
        "syntax.json",
        b"[1,",
        " is not valid JSON or YAML: Expecting value: line 1 column 4 (char 3)",
    ),
]


def listed_faults(database_url: str) -> list[object]:
    listed = run("faults", "list", "--database", database_url)
    assert listed.exit_code == 0, listed.output
    found: list[object] = json.loads(listed.output)
    return found


@pytest.mark.parametrize(("name", "content", "said"), UNREADABLE)
def test_a_faults_file_that_cannot_be_read_is_one_line(
    tmp_path: Path, database_url: str, name: str, content: bytes, said: str
) -> None:
    file = tmp_path / name
    file.write_bytes(content)

    result = run("faults", "load", str(file), "--database", database_url)

    assert result.exit_code == 1
    assert result.output == f"Error: {file}{said}\n"
    assert listed_faults(database_url) == []


@pytest.mark.parametrize("through_environment", [False, True])
def test_serve_refuses_an_unreadable_faults_file_in_one_line(
    tmp_path: Path, database_url: str, through_environment: bool
) -> None:
    file = tmp_path / "faults.yaml"
    file.write_bytes(b"\xff\xfe")
    given = [] if through_environment else ["--faults", str(file)]

    result = run(
        "serve",
        "--database",
        database_url,
        *given,
        env={"JOURNEYAPI_FAULTS_FILE": str(file)} if through_environment else {},
    )

    assert result.exit_code == 1
    assert result.output == f"Error: {file} is not UTF-8 text (byte 1)\n"


# (file name, its text, the value as shown, the field, what is allowed)
UNSTORABLE = [
    (
        "surrogate.yaml",
        '- path: "/x\\ud800"\n  status: 503\n',
        "/x\\ud800",
        "faults[0].path",
        SURROGATE,
    ),
    (
        "nul.json",
        '[{"path": "/x\\u0000", "status": 503}]',
        "/x\\u0000",
        "faults[0].path",
        NUL,
    ),
    (
        "method.json",
        '{"faults": [{"path": "/x", "status": 503},'
        ' {"path": "/y", "method": "G\\udc00", "status": 503}]}',
        "G\\udc00",
        "faults[1].method",
        SURROGATE,
    ),
    (
        "key.json",
        '[{"path": "/x", "status": 503, "a\\u0000": 1}]',
        "a\\u0000",
        "faults[0].a\\u0000",
        NUL,
    ),
]


@pytest.mark.parametrize(("name", "text", "value", "field", "allowed"), UNSTORABLE)
def test_a_faults_file_with_text_no_store_can_hold_is_refused(
    tmp_path: Path,
    database_url: str,
    name: str,
    text: str,
    value: str,
    field: str,
    allowed: str,
) -> None:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")

    result = run("faults", "load", str(file), "--database", database_url)

    assert result.exit_code == 1
    assert result.output == f"Error: {file}: {refusal(value, field, allowed)}\n"
    assert listed_faults(database_url) == []


def query(file: str, **kwargs: object) -> Result:
    # No server listens there: every case is refused before a request is made.
    return run(
        "api",
        "--base-url",
        "http://127.0.0.1:9",
        "--access-token",
        "t",
        "aggregates",
        "query",
        file,
        **kwargs,
    )


@pytest.mark.parametrize(("name", "content", "said"), UNREADABLE)
def test_an_aggregate_query_file_that_cannot_be_read_is_one_line(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    file = tmp_path / name
    file.write_bytes(content)

    result = query(str(file))

    assert result.exit_code == 1
    assert result.output == f"Error: {file}{said}\n"


def test_an_aggregate_query_on_standard_input_that_is_not_text_is_one_line() -> None:
    result = query("-", input=b'{"interval": "caf\xe9"}')

    assert result.exit_code == 1
    assert result.output == "Error: standard input is not UTF-8 text (byte 18)\n"


def test_an_aggregate_query_file_that_is_missing_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"

    result = query(str(missing))

    assert result.exit_code == 1
    assert result.output == (
        f"Error: {missing} cannot be read: No such file or directory\n"
    )


def test_an_aggregate_query_interval_of_numbers_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "query.yaml"
    file.write_text("interval: [1, 2]\n")

    result = query(str(file))

    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: interval: [1, 2] is not allowed; ")


DATA_COMMANDS = [["segments", "list"], ["db", "upgrade"], ["serve"]]


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("not a database\n")

    result = run(*command, "--database", str(garbage))

    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot open the database sqlite:///{garbage}: file is not a database\n"
    )
    assert garbage.read_text() == "not a database\n"


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_a_database_in_a_missing_folder_is_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    url = f"sqlite:///{tmp_path}/missing/x.db"

    result = run(*command, "--database", url)

    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot open the database {url}: unable to open database file\n"
    )


@pytest.mark.parametrize("command", DATA_COMMANDS)
def test_an_unreachable_postgresql_server_is_one_line_without_the_password(
    command: list[str],
) -> None:
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    result = run(*command, "--database", "postgresql://ann:secret@127.0.0.1:1/none")

    assert result.exit_code == 1
    assert result.output == (
        "Error: cannot open the database postgresql://ann:***@127.0.0.1:1/none:"
        ' connection failed: connection to server at "127.0.0.1", port 1 failed:'
        " Connection refused\n"
    )


# (the command up to the bad value, the option, the value as the shell gives it)
NOT_TEXT = [
    (["segments", "create", "--scope", "Customer", "--name"], "--name"),
    (["contacts", "create", "--first-name"], "--first-name"),
    (["sessions", "create", "--customer", "email:ann@x.com", "--id"], "--id"),
    (["clients", "create", "--all-permissions", "--name"], "--name"),
]


@pytest.mark.parametrize(("command", "option"), NOT_TEXT)
def test_a_command_line_value_that_is_not_text_is_refused_first(
    tmp_path: Path, command: list[str], option: str
) -> None:
    database = tmp_path / "journeyapi.db"

    # The byte \xff of argv, as Python decodes it.
    result = run(*command, "x\udcff", "--database", str(database))

    assert result.exit_code == 1
    assert result.output == "Error: " + refusal("x\\udcff", option, SURROGATE) + "\n"
    assert not database.exists()


def test_a_customer_identity_that_is_not_text_is_refused_first(
    tmp_path: Path,
) -> None:
    database = tmp_path / "journeyapi.db"

    result = run(
        "customers",
        "create",
        "--identity",
        "email:x\udcff",
        "--database",
        str(database),
    )

    assert result.exit_code == 1
    assert result.output == (
        "Error: " + refusal("email:x\\udcff", "--identity", SURROGATE) + "\n"
    )
    assert not database.exists()


def test_an_api_option_that_is_not_text_is_refused_before_a_request() -> None:
    result = run(
        "api",
        "--base-url",
        "http://127.0.0.1:9",
        "--access-token",
        "t\udcff",
        "actiontargets",
        "list",
    )

    assert result.exit_code == 1
    assert result.output == (
        "Error: " + refusal("t\\udcff", "--access-token", SURROGATE) + "\n"
    )


def test_argv_bytes_that_are_not_utf8_are_refused_in_one_line(tmp_path: Path) -> None:
    # The real thing: bytes in argv, as a shell passes $'x\xff'.
    database = tmp_path / "journeyapi.db"
    arguments = [b"segments", b"create", b"--scope", b"Customer", b"--name", b"x\xff"]

    done = subprocess.run(
        [sys.executable.encode(), b"-c", CLI, *arguments]
        + [b"--database", str(database).encode()],
        capture_output=True,
        check=False,
    )

    assert done.returncode == 1
    assert done.stderr.decode() == (
        "Error: " + refusal("x\\udcff", "--name", SURROGATE) + "\n"
    )
    assert not database.exists()


def test_a_token_on_standard_input_that_is_not_text_is_one_line(
    tmp_path: Path,
) -> None:
    database = tmp_path / "journeyapi.db"

    result = run(
        "tokens",
        "revoke",
        "--token",
        "-",
        "--database",
        str(database),
        input=b"x\xff\n",
    )

    assert result.exit_code == 1
    assert result.output == (
        "Error: the token on standard input is not UTF-8 text (byte 2)\n"
    )


def test_generated_events_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "missing" / "events.jsonl"

    result = run("events", "generate", "10", str(file), "--no-progress")

    assert result.exit_code == 1
    assert result.output == (f"Error: cannot write {file}: No such file or directory\n")
    assert not file.parent.exists()
