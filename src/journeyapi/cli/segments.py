"""Commands for segments, customers, external contacts, sessions, assignments."""

from __future__ import annotations

import json
from datetime import datetime

import click

from journeyapi.auth.permissions import ALL_PERMISSIONS
from journeyapi.auth.service import Principal
from journeyapi.cli import database_option, opened
from journeyapi.models.customers import (
    Customer,
    CustomerIdentity,
    EndSession,
    JourneySession,
    SessionCustomer,
)
from journeyapi.models.externalcontacts import ExternalContact, PhoneNumber
from journeyapi.models.segments import (
    AssignmentState,
    Segment,
    SegmentAssignmentsUpdate,
)
from journeyapi.paging import PageRequest

# The CLI acts as the administrator who runs it.
_OPERATOR = Principal("cli", frozenset(ALL_PERMISSIONS))


def _identity(value: str) -> CustomerIdentity:
    id_type, sep, id_value = value.partition(":")
    if not sep:
        raise click.BadParameter(f"{value!r} is not TYPE:ID (e.g. email:ann@x.com)")
    return CustomerIdentity(id_type=id_type, id=id_value)


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 date-time") from exc
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs a UTC offset, e.g. Z")
    return parsed


@click.group("segments")
def segments() -> None:
    """Manage segments."""


@segments.command("create")
@click.option("--name", "display_name", required=True, help="The displayName.")
@click.option("--scope", type=click.Choice(["Customer", "Session"]), required=True)
@click.option("--description", default=None)
@click.option("--color", default=None, help="#RRGGBB")
@click.option("--expiration-days", type=int, default=None, help="Default 30.")
@click.option("--id", "segment_id", default=None, help="A UUID; generated if absent.")
@database_option
def segments_create(
    display_name: str,
    scope: str,
    description: str | None,
    color: str | None,
    expiration_days: int | None,
    segment_id: str | None,
    database: str,
) -> None:
    """Create a segment and print it as JSON."""
    with opened(database) as services:
        created = services.segments.create(
            Segment(
                id=segment_id,
                display_name=display_name,
                scope=scope,
                description=description,
                color=color,
                assignment_expiration_days=expiration_days,
            )
        )
    click.echo(created.to_json().decode())


@segments.command("list")
@database_option
def segments_list(database: str) -> None:
    """List every segment: id, scope, expiration days, name."""
    with opened(database) as services:
        page = PageRequest(number=1, size=100)
        found = []
        while True:
            entities, total = services.segments.list_page(page)
            found += entities
            if page.number * page.size >= total:
                break
            page = PageRequest(number=page.number + 1, size=page.size)
    for segment in found:
        click.echo(
            f"{segment.id}  {segment.scope}  {segment.assignment_expiration_days}d"
            f"  {segment.display_name}"
        )


@click.group("customers")
def customers() -> None:
    """Manage journey customers."""


@customers.command("create")
@click.option(
    "--identity",
    "identities",
    multiple=True,
    required=True,
    help="TYPE:ID, e.g. email:ann@example.com; repeat for more.",
)
@database_option
def customers_create(identities: tuple[str, ...], database: str) -> None:
    """Create a customer known by the given identities."""
    with opened(database) as services:
        created = services.customers.create(
            Customer(identities=[_identity(value) for value in identities])
        )
    click.echo(created.to_json().decode())


@click.group("contacts")
def contacts() -> None:
    """Manage external contacts."""


@contacts.command("create")
@click.option("--first-name", default=None)
@click.option("--last-name", default=None)
@click.option("--work-email", default=None)
@click.option("--personal-email", default=None)
@click.option("--cell-phone", default=None, help="E.164, e.g. +441632960001")
@click.option("--work-phone", default=None, help="E.164")
@click.option("--id", "contact_id", default=None, help="A UUID; generated if absent.")
@database_option
def contacts_create(
    first_name: str | None,
    last_name: str | None,
    work_email: str | None,
    personal_email: str | None,
    cell_phone: str | None,
    work_phone: str | None,
    contact_id: str | None,
    database: str,
) -> None:
    """Create an external contact and print it as JSON."""
    with opened(database) as services:
        created = services.external_contacts.create(
            ExternalContact(
                id=contact_id,
                first_name=first_name,
                last_name=last_name,
                work_email=work_email,
                personal_email=personal_email,
                cell_phone=PhoneNumber(e164=cell_phone) if cell_phone else None,
                work_phone=PhoneNumber(e164=work_phone) if work_phone else None,
            )
        )
    click.echo(created.to_json().decode())


@click.group("sessions")
def sessions() -> None:
    """Manage journey sessions."""


@sessions.command("create")
@click.option("--customer", "customer", required=True, help="TYPE:ID of the customer.")
@click.option("--type", "session_type", default="web", show_default=True)
@click.option("--id", "session_id", default=None, help="Generated if absent.")
@click.option("--start", default=None, help="ISO-8601 with offset; default now.")
@database_option
def sessions_create(
    customer: str,
    session_type: str,
    session_id: str | None,
    start: str | None,
    database: str,
) -> None:
    """Create a session of a customer (created if unknown)."""
    identity = _identity(customer)
    with opened(database) as services:
        created = services.sessions.create(
            JourneySession(
                id=session_id,
                type=session_type,
                customer=SessionCustomer(id=identity.id, id_type=identity.id_type),
                created_date=_instant(start),
            )
        )
    click.echo(created.to_json().decode())


@sessions.command("end")
@click.argument("session_id")
@click.option("--at", "at", default=None, help="ISO-8601 with offset; default now.")
@database_option
def sessions_end(session_id: str, at: str | None, database: str) -> None:
    """End a session; its session-scoped segments lapse."""
    with opened(database) as services:
        ended = services.sessions.end(session_id, EndSession(ended_date=_instant(at)))
    click.echo(ended.to_json().decode())


@click.command("assign")
@click.option("--contact", "contact_id", default=None, help="An external contact id.")
@click.option("--session", "session_id", default=None, help="A session id.")
@click.option("--segment", "assigned", multiple=True, help="Segment id to assign.")
@click.option("--unassign", "unassigned", multiple=True, help="Segment id to remove.")
@database_option
def assign(
    contact_id: str | None,
    session_id: str | None,
    assigned: tuple[str, ...],
    unassigned: tuple[str, ...],
    database: str,
) -> None:
    """Assign or unassign segments of a contact (Customer scope) or a session
    (Session scope), all or none."""
    if (contact_id is None) == (session_id is None):
        raise click.UsageError("Name exactly one of --contact and --session.")
    items = [
        SegmentAssignmentsUpdate(segment_id=value, state=AssignmentState.ASSIGNED)
        for value in assigned
    ] + [
        SegmentAssignmentsUpdate(segment_id=value, state=AssignmentState.UNASSIGNED)
        for value in unassigned
    ]
    with opened(database) as services:
        if contact_id is not None:
            services.assignments.update_for_contact(contact_id, items, _OPERATOR)
        else:
            assert session_id is not None
            services.assignments.update_for_session(session_id, items, _OPERATOR)
    click.echo(json.dumps({"assigned": len(assigned), "unassigned": len(unassigned)}))


def register(main: click.Group) -> None:
    for command in (segments, customers, contacts, sessions, assign):
        main.add_command(command)
