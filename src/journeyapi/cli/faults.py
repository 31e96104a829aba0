"""``journeyapi faults``: put injected faults in force, list them, remove them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from journeyapi.cli import database_option, opened
from journeyapi.faults.files import FaultFileError, read_faults


@click.group("faults")
def faults() -> None:
    """Inject faults into chosen routes, for testing clients."""


@faults.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@database_option
def load(file: Path, database: str) -> None:
    """Replace the faults in force with those of a YAML or JSON file."""
    try:
        wanted = read_faults(file)
    except FaultFileError as exc:
        raise click.ClickException(str(exc)) from exc
    with opened(database) as services:
        loaded = services.faults.replace(wanted)
    click.echo(f"{len(loaded)} faults in force (from {file}).")


@faults.command("list")
@database_option
def list_faults(database: str) -> None:
    """The faults in force, with how often each matched and fired (JSON)."""
    with opened(database) as services:
        found = services.faults.list_faults()
    click.echo(json.dumps([fault.to_wire() for fault in found], indent=2))


@faults.command("clear")
@database_option
def clear(database: str) -> None:
    """Remove every fault."""
    with opened(database) as services:
        services.faults.clear()
    click.echo("No faults in force.")
