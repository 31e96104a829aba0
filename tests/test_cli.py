"""The ``journeyapi`` command, through click's runner, on a fresh SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyapi.auth.permissions import ALL_PERMISSIONS, ROLES
from journeyapi.auth.service import verify_secret
from journeyapi.cli import main
from journeyapi.config import Settings
from journeyapi.demo import DEMO_CLIENT_ID, demo_action_targets
from journeyapi.services import Services
from journeyapi.storage import migrate


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def open_services(database: str) -> Services:
    return Services.build(Settings(database_url=database))


def test_clients_create_json_prints_exactly_id_and_secret(database: str) -> None:
    code, output = run(
        "clients", "create", "--name", "ci", "--permission",
        "journey:actiontarget:view", "--permission", "journey:actiontarget:edit",
        "--json", "--database", database,
    )  # fmt: skip

    assert code == 0
    created = json.loads(output)
    assert set(created) == {"clientId", "clientSecret"}
    services = open_services(database)
    secret_hash, lifetime = services.auth.stored_secret(created["clientId"])
    assert lifetime == 86400
    assert secret_hash != created["clientSecret"]
    assert verify_secret(secret_hash, created["clientSecret"])
    token = services.auth.issue_token(created["clientId"], 60).access_token
    principal = services.auth.authenticate(token)
    assert principal.permissions == {
        "journey:actiontarget:view",
        "journey:actiontarget:edit",
    }


def test_all_permissions_and_roles(database: str) -> None:
    code, output = run(
        "clients", "create", "--name", "all", "--all-permissions", "--json",
        "--database", database,
    )  # fmt: skip
    assert code == 0
    everything = json.loads(output)["clientId"]

    code, output = run(
        "clients", "create", "--name", "viewer", "--role", "journey-viewer",
        "--json", "--database", database,
    )  # fmt: skip
    assert code == 0
    viewer = json.loads(output)["clientId"]

    services = open_services(database)
    granted = {
        client: services.auth.authenticate(
            services.auth.issue_token(client, 60).access_token
        ).permissions
        for client in (everything, viewer)
    }
    assert granted[everything] == set(ALL_PERMISSIONS)
    assert granted[viewer] == set(ROLES["journey-viewer"])


def test_an_unknown_permission_is_refused(database: str) -> None:
    code, output = run(
        "clients", "create", "--name", "x", "--permission", "journey:everything",
        "--database", database,
    )  # fmt: skip

    assert code == 1
    assert "Value [journey:everything] is not valid for field type [permission]" in (
        output
    )
    assert open_services(database).db.fetch_all("SELECT id FROM oauth_clients") == []


def test_a_client_without_grants_is_a_usage_error(database: str) -> None:
    code, output = run("clients", "create", "--name", "x", "--database", database)

    assert code == 2
    assert "Grant something" in output


def test_import_json_then_yaml_replaces_by_id(database: str, tmp_path: Path) -> None:
    targets = [
        {
            "id": "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10",
            "name": "Sales",
            "state": "active",
            "supportedMediaTypes": ["webchat", "call"],
            "userData": [{"key": "region", "value": "EMEA"}],
            "serviceLevel": {"percentage": 0.8, "durationMs": 20000},
        },
        {"name": "Support", "state": "inactive"},
    ]
    as_json = tmp_path / "targets.json"
    as_json.write_text(json.dumps(targets))
    as_yaml = tmp_path / "targets.yaml"
    as_yaml.write_text(
        "entities:\n"
        "  - id: 6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10\n"
        "    name: Sales EMEA\n"
        "    state: inactive\n"
    )

    code, output = run("actiontargets", "import", str(as_json), "--database", database)
    assert (code, output.strip()) == (
        0,
        f"Imported 2 action targets from {as_json}: 2 created, 0 updated.",
    )
    code, output = run("actiontargets", "import", str(as_yaml), "--database", database)
    assert (code, output.strip()) == (
        0,
        f"Imported 1 action targets from {as_yaml}: 0 created, 1 updated.",
    )

    services = open_services(database)
    sales = services.action_targets.get("6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10")
    assert (sales.name, sales.state) == ("Sales EMEA", "inactive")
    names = sorted(row["name"] for row in services.db.fetch_all(
        "SELECT name FROM action_targets"
    ))  # fmt: skip
    assert names == ["Sales EMEA", "Support"]


def test_keep_existing_leaves_targets_alone(database: str, tmp_path: Path) -> None:
    file = tmp_path / "one.json"
    file.write_text(json.dumps([{"id": "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10",
                                 "name": "First"}]))  # fmt: skip
    run("actiontargets", "import", str(file), "--database", database)
    file.write_text(json.dumps([{"id": "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10",
                                 "name": "Second"}]))  # fmt: skip

    code, output = run(
        "actiontargets", "import", str(file), "--keep-existing", "--database", database
    )

    assert code == 0
    assert "0 created, 0 updated" in output
    target = open_services(database).action_targets.get(
        "6f0c2d1e-4b1a-4a57-9a53-0d6f5f3f2a10"
    )
    assert target.name == "First"


def test_one_bad_target_imports_none(database: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text(json.dumps([
        {"name": "Fine"},
        {"name": "Broken", "state": "archived"},
    ]))  # fmt: skip

    code, output = run("actiontargets", "import", str(file), "--database", database)

    assert code == 1
    assert "Value [archived] is not valid for field type [[1].state]" in output
    assert "active, inactive, deleted" in output
    count = open_services(database).db.fetch_one(
        "SELECT count(*) AS n FROM action_targets"
    )
    assert count is not None and count["n"] == 0


def test_a_file_that_is_not_a_list_is_refused(database: str, tmp_path: Path) -> None:
    file = tmp_path / "wrong.yaml"
    file.write_text("name: just one\n")

    code, output = run("actiontargets", "import", str(file), "--database", database)

    assert code == 1
    assert "expected a list of action targets" in output


def test_demo_load_is_idempotent(database: str) -> None:
    code, first = run("demo", "load", "--database", database)
    assert code == 0
    assert first.startswith(
        f"Demo data: 14 action targets added; demo client {DEMO_CLIENT_ID} created"
    )

    code, second = run("demo", "load", "--database", database)
    assert code == 0
    assert second.startswith("Demo data: 0 action targets added;")
    assert "already present" in second

    services = open_services(database)
    count = services.db.fetch_one("SELECT count(*) AS n FROM action_targets")
    clients = services.db.fetch_one("SELECT count(*) AS n FROM oauth_clients")
    assert count is not None and count["n"] == len(demo_action_targets())
    assert clients is not None and clients["n"] == 1


def test_demo_covers_every_state_and_media_type() -> None:
    targets = demo_action_targets()

    assert len(targets) >= 12
    assert {str(target.state) for target in targets} == {
        "active",
        "inactive",
        "deleted",
    }
    media = {str(m) for target in targets for m in target.supported_media_types or []}
    assert media == {
        "callback", "call", "email", "generic", "messaging", "social", "webchat",
    }  # fmt: skip


def test_db_upgrade_accepts_a_plain_file_path(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"

    code, output = run("db", "upgrade", "--database", str(path))

    head = migrate.head_revision()
    assert (code, output.strip()) == (0, f"Database is at revision {head}.")
    assert path.exists()


def test_database_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("JOURNEYAPI_DATABASE_URL", f"sqlite:///{path}")

    code, _ = run("db", "upgrade")

    assert code == 0
    assert path.exists()


def test_an_unsupported_database_url_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run("db", "upgrade", "--database", "mysql://localhost/x")

    assert code == 1
    assert "database URL 'mysql://localhost/x' is not supported" in output


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    code, output = run(
        "serve", "--workers", "2", "--database", str(tmp_path / "one.db")
    )

    assert code == 2
    assert output.splitlines()[-1] == (
        "Error: --workers 2 needs a postgresql:// database; the embedded default"
        " (SQLite) is served by one process"
    )
    assert not (tmp_path / "one.db").exists()
