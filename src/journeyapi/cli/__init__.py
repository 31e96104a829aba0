"""The ``journeyapi`` command: thin commands over the services."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from journeyapi import __version__
from journeyapi.auth.permissions import ALL_PERMISSIONS, ROLES
from journeyapi.config import DEFAULT_DATABASE_URL, Settings
from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, load_demo
from journeyapi.documents import DocumentError, read_document
from journeyapi.errors import ApiError, InvalidValue
from journeyapi.faults.files import FaultFileError, read_faults
from journeyapi.limits import check_storable
from journeyapi.models.actiontargets import ActionTarget
from journeyapi.models.common import first_problem
from journeyapi.services import Services
from journeyapi.storage import migrate
from journeyapi.storage.database import UnsupportedDatabase, backend_of, check_url

F = TypeVar("F", bound=Callable[..., Any])

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def database_url(value: str) -> str:
    """A database URL; a bare file path means a SQLite file."""
    return value if "://" in value else f"sqlite:///{value}"


def database_option(command: F) -> F:
    return click.option(
        "--database",
        "database",
        envvar="JOURNEYAPI_DATABASE_URL",
        default=DEFAULT_DATABASE_URL,
        show_default=True,
        help="Database URL (or a SQLite file path). Env: JOURNEYAPI_DATABASE_URL.",
    )(command)


@contextmanager
def opened(database: str) -> Iterator[Services]:
    """Services on an up-to-date database; domain errors become CLI errors."""
    check_arguments(click.get_current_context(silent=True))
    url = database_url(database)
    services = _services(url)
    try:
        yield services
    except ApiError as exc:
        raise click.ClickException(exc.message) from exc
    except DRIVER_ERRORS as exc:
        raise click.ClickException(
            f"the database {_shown(url)} failed: {_reason(exc)}"
        ) from exc
    finally:
        services.close()


def _services(url: str) -> Services:
    try:
        check_url(url)
        migrate.upgrade(url)
        return Services.build(Settings(database_url=url))
    except UnsupportedDatabase as exc:
        raise click.ClickException(str(exc)) from exc
    except ValidationError as exc:
        raise click.ClickException(first_problem(exc)) from exc
    except DRIVER_ERRORS as exc:
        raise click.ClickException(
            f"cannot open the database {_shown(url)}: {_reason(exc)}"
        ) from None


def _driver_errors() -> tuple[type[Exception], ...]:
    # SQLAlchemy wraps what Alembic meets; the stores call the drivers directly.
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the server extra is not installed
        return (DBAPIError, sqlite3.Error)
    return (DBAPIError, sqlite3.Error, psycopg.Error)


DRIVER_ERRORS = _driver_errors()


def _shown(url: str) -> str:
    # The URL may carry a password, and an error message ends up in logs.
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _reason(error: Exception) -> str:
    """The driver's own first line, without SQLAlchemy's wrapping."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    text = str(cause).strip()
    return text.splitlines()[0] if text else type(cause).__name__


def check_arguments(ctx: click.Context | None) -> None:
    """Refuse a command-line value that is not text, naming its option.

    Python turns argv bytes that are not UTF-8 into lone surrogates, which no
    store can hold and no output can encode. Checked before anything is
    written, for the command and the groups above it (file paths excepted:
    they are ``Path`` values, and such a name is a valid file name).
    """
    while ctx is not None:
        for param in ctx.command.params:
            for text in _texts(ctx.params.get(param.name or "")):
                try:
                    check_storable(_option_name(param), text)
                except InvalidValue as exc:
                    raise click.ClickException(exc.message) from None
        ctx = ctx.parent


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)


def _option_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


@click.group()
@click.version_option(__version__, prog_name="journeyapi")
def main() -> None:
    """journeyapi: a self-hosted Genesys Cloud Journey API."""


@main.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar="JOURNEYAPI_HOST"
)
@click.option("--port", default=8080, show_default=True, envvar="JOURNEYAPI_PORT")
@database_option
@click.option("--demo", is_flag=True, help="Load the demo data set and demo client.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
)
@click.option("--access-log/--no-access-log", default=True, show_default=True)
@click.option(
    "--faults",
    "faults_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="JOURNEYAPI_FAULTS_FILE",
    help="Put the faults of this YAML or JSON file in force.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    envvar="JOURNEYAPI_WORKERS",
    help="Server processes; more than one needs PostgreSQL.",
)
def serve(
    host: str,
    port: int,
    database: str,
    demo: bool,
    log_level: str,
    access_log: bool,
    faults_file: Path | None,
    workers: int,
) -> None:
    """Run the API server (the schema is upgraded first)."""
    import uvicorn

    url = database_url(database)
    if workers > 1 and backend_of(url) != "postgresql":
        # The embedded default keeps journey events in a file that only one
        # process may open for writing.
        raise click.UsageError(
            f"--workers {workers} needs a postgresql:// database; the embedded "
            "default (SQLite) is served by one process"
        )
    with opened(url) as services:
        if demo:
            _announce_demo(services, host, port)
        if faults_file is not None:
            try:
                services.faults.replace(read_faults(faults_file))
            except FaultFileError as exc:
                raise click.ClickException(str(exc)) from exc

    logging.basicConfig(level=log_level.upper(), format="%(levelname)s: %(message)s")
    # The app factory reads its settings from the environment, the one channel
    # that reaches every server process.
    os.environ["JOURNEYAPI_DATABASE_URL"] = url
    os.environ["JOURNEYAPI_LOG_LEVEL"] = log_level
    # Loaded once, here: a worker loading it again would reset the counts.
    os.environ.pop("JOURNEYAPI_FAULTS_FILE", None)
    uvicorn.run(
        "journeyapi.http.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        workers=workers,
    )


def _announce_demo(services: Services, host: str, port: int) -> None:
    summary = load_demo(services)
    token = services.auth.issue_token(
        DEMO_CLIENT_ID, services.settings.token_lifetime_seconds
    )
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    click.echo(
        f"Demo data: {summary.action_targets_added} action targets added"
        f" ({'new' if summary.client_added else 'existing'} demo client).\n"
        f"  client id:     {DEMO_CLIENT_ID}\n"
        f"  client secret: {DEMO_CLIENT_SECRET}\n"
        f"  access token:  {token.access_token}\n"
        "Try:\n"
        f"  curl -H 'Authorization: Bearer {token.access_token}' \\\n"
        f"    {base}/api/v2/journey/actiontargets\n"
        f"API docs: {base}/api/v2/docs"
    )
    if host not in LOOPBACK:
        click.echo(
            f"warning: the demo client's secret is public and the server listens on "
            f"{host}; anyone who can reach it can use the demo client.",
            err=True,
        )


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
@database_option
def db_upgrade(database: str) -> None:
    """Create or upgrade the schema to the newest revision."""
    with opened(database):
        pass
    click.echo(f"Database is at revision {migrate.head_revision()}.")


@main.group()
def clients() -> None:
    """Manage OAuth clients."""


@clients.command("create")
@click.option("--name", required=True, help="A name to recognise the client by.")
@click.option(
    "--permission",
    "permissions",
    multiple=True,
    help="A permission to grant; repeat for more.",
)
@click.option(
    "--role", "roles", multiple=True, help=f"A role to grant: {', '.join(ROLES)}."
)
@click.option("--all-permissions", is_flag=True, help="Grant every permission.")
@click.option(
    "--token-lifetime",
    type=click.IntRange(300, 172800),
    default=None,
    help="Seconds an access token lasts (default: the server's, 86400).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@database_option
def clients_create(
    name: str,
    permissions: tuple[str, ...],
    roles: tuple[str, ...],
    all_permissions: bool,
    token_lifetime: int | None,
    as_json: bool,
    database: str,
) -> None:
    """Create a client; its secret is shown now and never again."""
    if all_permissions:
        permissions = ALL_PERMISSIONS
    if not permissions and not roles:
        raise click.UsageError(
            "Grant something: --permission P, --role R or --all-permissions."
        )

    with opened(database) as services:
        created = services.auth.create_client(
            name,
            permissions=permissions,
            roles=roles,
            token_lifetime_seconds=token_lifetime,
        )

    if as_json:
        click.echo(
            json.dumps(
                {"clientId": created.client_id, "clientSecret": created.client_secret}
            )
        )
        return
    click.echo(
        f"client id:     {created.client_id}\n"
        f"client secret: {created.client_secret}  (shown once; store it now)\n"
        f"permissions:   {', '.join(created.permissions)}"
    )


@clients.command("list")
@database_option
def clients_list(database: str) -> None:
    """List clients and their permissions (never their secrets)."""
    from journeyapi.auth import store

    with opened(database) as services:
        rows = store.list_clients(services.db)
    for row in rows:
        granted = ", ".join(json.loads(row["permissions"]))
        click.echo(f"{row['id']}  {row['name']}  [{granted}]")


@main.command("permissions")
def list_permissions() -> None:
    """List every permission and role."""
    for permission in ALL_PERMISSIONS:
        click.echo(permission)
    for role, granted in ROLES.items():
        click.echo(f"role {role}: {', '.join(granted)}")


@main.group("actiontargets")
def action_targets() -> None:
    """Provision action targets."""


@action_targets.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace/--keep-existing",
    default=True,
    show_default=True,
    help="Overwrite targets whose id exists, or leave them as they are.",
)
@database_option
def action_targets_import(file: Path, replace: bool, database: str) -> None:
    """Import action targets from a JSON or YAML file, all or none.

    The file holds a list of action targets in their API form, or an object
    whose "entities" is that list.
    """
    targets = _read_targets(file)
    with opened(database) as services:
        summary = services.action_targets.import_targets(targets, replace=replace)
    click.echo(
        f"Imported {len(targets)} action targets from {file}:"
        f" {summary.created} created, {summary.updated} updated."
    )


def _read_targets(file: Path) -> list[ActionTarget]:
    try:
        loaded = read_document(file)
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from None

    if isinstance(loaded, dict) and "entities" in loaded:
        loaded = loaded["entities"]
    try:
        return TypeAdapter(list[ActionTarget]).validate_python(loaded)
    except ValidationError as exc:
        raise click.ClickException(
            f"{file}: {first_problem(exc, 'top level')}"
            " (expected a list of action targets)"
        ) from exc


@main.group("demo")
def demo_group() -> None:
    """The demo data set."""


@demo_group.command("load")
@database_option
def demo_load(database: str) -> None:
    """Add the demo data set and demo client (what is there already stays)."""
    with opened(database) as services:
        summary = load_demo(services)
    click.echo(
        f"Demo data: {summary.action_targets_added} action targets added;"
        f" demo client {DEMO_CLIENT_ID} "
        f"{'created' if summary.client_added else 'already present'}"
        f" (secret {DEMO_CLIENT_SECRET})."
    )


# Commands in modules of their own import this one, so they are added last.
from journeyapi.cli import segments as segment_commands  # noqa: E402
from journeyapi.cli.api import api as api_group  # noqa: E402
from journeyapi.cli.check import check  # noqa: E402
from journeyapi.cli.events import events as events_group  # noqa: E402
from journeyapi.cli.faults import faults  # noqa: E402
from journeyapi.cli.tokens import tokens  # noqa: E402

main.add_command(api_group)
main.add_command(check)
main.add_command(events_group)
main.add_command(faults)
main.add_command(tokens)
segment_commands.register(main)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
