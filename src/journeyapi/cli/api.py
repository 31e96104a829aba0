"""``journeyapi api ...``: the Journey API through the Python client.

It talks to a journeyapi server or to Genesys Cloud, never to a database. Each
command prints a table for people, or with ``--json`` the API's own JSON for
scripts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from journeyapi.cli import check_arguments
from journeyapi.client import (
    UNSET,
    ActionTarget,
    AssignmentState,
    JourneyAggregateQueryResponse,
    JourneyApi,
    JourneyApiError,
    SegmentAssignment,
    SegmentScope,
    ServiceLevel,
    action_target_patch,
)
from journeyapi.documents import DocumentError, parse_document, read_document
from journeyapi.models.common import WireModel, format_instant

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class Target:
    """Where and as whom the commands call the API."""

    base_url: str | None
    region: str | None
    client_id: str | None
    client_secret: str | None
    access_token: str | None


@contextmanager
def connected(ctx: click.Context) -> Iterator[JourneyApi]:
    """A client for the group's options; client errors become CLI errors."""
    check_arguments(ctx)
    target: Target = ctx.find_object(Target)  # type: ignore[assignment]
    try:
        with JourneyApi(
            base_url=target.base_url,
            region=target.region,
            client_id=target.client_id,
            client_secret=target.client_secret,
            access_token=target.access_token,
        ) as api:
            yield api
    except JourneyApiError as exc:
        raise click.ClickException(_describe(exc)) from exc


def _describe(error: JourneyApiError) -> str:
    correlation = getattr(error, "correlation_id", None)
    return f"{error}" + (f" (correlation id {correlation})" if correlation else "")


def json_option(command: F) -> F:
    return click.option(
        "--json", "as_json", is_flag=True, help="Print the API's JSON, for scripts."
    )(command)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _wire(model: WireModel) -> dict[str, Any]:
    return model.to_wire()


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [
        max([len(header), *(len(row[index]) for row in rows)])
        for index, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    click.echo(line(headers))
    for row in rows:
        click.echo(line(row))


@click.group("api")
@click.option(
    "--base-url",
    envvar="JOURNEYAPI_BASE_URL",
    default=None,
    help=f"A journeyapi server (default {DEFAULT_BASE_URL}). Env: JOURNEYAPI_BASE_URL.",
)
@click.option(
    "--region",
    envvar="JOURNEYAPI_REGION",
    default=None,
    help="A Genesys Cloud region, e.g. mypurecloud.ie. Env: JOURNEYAPI_REGION.",
)
@click.option("--client-id", envvar="JOURNEYAPI_CLIENT_ID", default=None)
@click.option("--client-secret", envvar="JOURNEYAPI_CLIENT_SECRET", default=None)
@click.option(
    "--access-token",
    envvar="JOURNEYAPI_ACCESS_TOKEN",
    default=None,
    help="A ready token instead of the client credentials.",
)
@click.pass_context
def api(
    ctx: click.Context,
    base_url: str | None,
    region: str | None,
    client_id: str | None,
    client_secret: str | None,
    access_token: str | None,
) -> None:
    """Call the Journey API of a server or of Genesys Cloud.

    Credentials come from --client-id/--client-secret or --access-token (or
    JOURNEYAPI_CLIENT_ID, JOURNEYAPI_CLIENT_SECRET, JOURNEYAPI_ACCESS_TOKEN).
    """
    if base_url is None and region is None:
        base_url = DEFAULT_BASE_URL
    ctx.obj = Target(base_url, region, client_id, client_secret, access_token)


@api.group("actiontargets")
def action_targets() -> None:
    """Read and update action targets."""


def _target_rows(targets: Sequence[ActionTarget]) -> list[list[str]]:
    rows = []
    for target in targets:
        level = target.service_level
        rows.append(
            [
                target.id or "",
                target.name or "",
                str(target.state or ""),
                ",".join(str(media) for media in target.supported_media_types or ()),
                f"{level.percentage:.0%} in {level.duration_ms / 1000:g} s"
                if level
                and level.percentage is not None
                and level.duration_ms is not None
                else "",
            ]
        )
    return rows


_TARGET_HEADERS = ("ID", "NAME", "STATE", "MEDIA", "SERVICE LEVEL")


@action_targets.command("list")
@click.option("--page-size", type=click.IntRange(1), default=25, show_default=True)
@json_option
@click.pass_context
def action_targets_list(ctx: click.Context, page_size: int, as_json: bool) -> None:
    """Every action target, in name order (all pages)."""
    with connected(ctx) as client:
        targets = list(client.iter_action_targets(page_size=page_size))
    if as_json:
        _print_json([_wire(target) for target in targets])
        return
    _print_table(_TARGET_HEADERS, _target_rows(targets))


@action_targets.command("get")
@click.argument("action_target_id")
@json_option
@click.pass_context
def action_targets_get(
    ctx: click.Context, action_target_id: str, as_json: bool
) -> None:
    """One action target."""
    with connected(ctx) as client:
        target = client.get_journey_actiontarget(action_target_id)
    if as_json:
        _print_json(_wire(target))
        return
    _print_table(_TARGET_HEADERS, _target_rows([target]))


@action_targets.command("patch")
@click.argument("action_target_id")
@click.option("--name", default=None, help="The new name.")
@click.option(
    "--service-level",
    type=(float, int),
    default=None,
    metavar="PERCENTAGE DURATION_MS",
    help="The new service level, e.g. 0.8 20000 (replaced whole).",
)
@click.option("--short-abandon-threshold", type=int, default=None)
@json_option
@click.pass_context
def action_targets_patch(
    ctx: click.Context,
    action_target_id: str,
    name: str | None,
    service_level: tuple[float, int] | None,
    short_abandon_threshold: int | None,
    as_json: bool,
) -> None:
    """Update an action target; only the options given change."""
    body = action_target_patch(
        name=UNSET if name is None else name,
        service_level=UNSET
        if service_level is None
        else ServiceLevel(percentage=service_level[0], duration_ms=service_level[1]),
        short_abandon_threshold=UNSET
        if short_abandon_threshold is None
        else short_abandon_threshold,
    )
    with connected(ctx) as client:
        target = client.patch_journey_actiontarget(action_target_id, body)
    if as_json:
        _print_json(_wire(target))
        return
    _print_table(_TARGET_HEADERS, _target_rows([target]))


@api.group("segments")
def segments() -> None:
    """Segment assignments of customers, external contacts and sessions."""


@segments.command("list")
@click.option(
    "--customer",
    type=(str, str),
    default=None,
    metavar="ID_TYPE ID",
    help="A customer by id type and id, e.g. email ann@example.com.",
)
@click.option("--external-contact", default=None, metavar="ID")
@click.option("--session", default=None, metavar="ID")
@click.option("--scope", type=click.Choice([scope.value for scope in SegmentScope]))
@click.option("--state", type=click.Choice([state.value for state in AssignmentState]))
@click.option("--page-size", type=click.IntRange(1), default=None)
@json_option
@click.pass_context
def segments_list(
    ctx: click.Context,
    customer: tuple[str, str] | None,
    external_contact: str | None,
    session: str | None,
    scope: str | None,
    state: str | None,
    page_size: int | None,
    as_json: bool,
) -> None:
    """The assignments of one owner (all pages)."""
    if [customer, external_contact, session].count(None) != 2:
        raise click.UsageError(
            "Name one owner: --customer ID_TYPE ID, --external-contact ID or"
            " --session ID."
        )
    with connected(ctx) as client:
        assignments = list(
            client.iter_segment_assignments(
                customer_id_type=customer[0] if customer else None,
                customer_id=customer[1] if customer else None,
                external_contact_id=external_contact,
                session_id=session,
                page_size=page_size,
                segment_scope=scope,
                assignment_state=state,
            )
        )
    if as_json:
        _print_json([_wire(assignment) for assignment in assignments])
        return
    _print_table(
        ("ID", "SEGMENT", "SCOPE", "STATE", "CUSTOMER", "MODIFIED"),
        [_assignment_row(assignment) for assignment in assignments],
    )


def _assignment_row(assignment: SegmentAssignment) -> list[str]:
    segment = assignment.segment
    customer = (
        f"{assignment.customer_id_type}:{assignment.customer_id}"
        if assignment.customer_id
        else ""
    )
    modified = assignment.date_modified
    return [
        assignment.id or "",
        (segment.id or "") if segment else "",
        str(segment.scope or "") if segment else "",
        str(assignment.state or ""),
        customer,
        format_instant(modified) if modified else "",
    ]


def _post_segments(
    ctx: click.Context, contact: str, segment_ids: tuple[str, ...], state: str
) -> None:
    body = [{"segmentId": segment_id, "state": state} for segment_id in segment_ids]
    with connected(ctx) as client:
        client.post_journey_externalcontact_segments(contact, body)
    verb = "assigned to" if state == AssignmentState.ASSIGNED else "unassigned from"
    click.echo(f"{len(segment_ids)} segment(s) {verb} external contact {contact}.")


@segments.command("assign")
@click.argument("external_contact_id")
@click.argument("segment_ids", nargs=-1, required=True)
@click.pass_context
def segments_assign(
    ctx: click.Context, external_contact_id: str, segment_ids: tuple[str, ...]
) -> None:
    """Assign segments to an external contact (or move their expiry forward)."""
    _post_segments(ctx, external_contact_id, segment_ids, AssignmentState.ASSIGNED)


@segments.command("unassign")
@click.argument("external_contact_id")
@click.argument("segment_ids", nargs=-1, required=True)
@click.pass_context
def segments_unassign(
    ctx: click.Context, external_contact_id: str, segment_ids: tuple[str, ...]
) -> None:
    """Unassign segments from an external contact."""
    _post_segments(ctx, external_contact_id, segment_ids, AssignmentState.UNASSIGNED)


@api.group("aggregates")
def aggregates() -> None:
    """Journey aggregate queries."""


@aggregates.command("query")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@json_option
@click.pass_context
def aggregates_query(ctx: click.Context, file: str, as_json: bool) -> None:
    """Run the query in FILE (JSON or YAML; - reads standard input)."""
    body = _read_query(file)
    with connected(ctx) as client:
        answer = client.post_analytics_journeys_aggregates_query(body)
    if as_json:
        _print_json(_wire(answer))
        return
    _print_table(("GROUP", "INTERVAL", "METRIC", "COUNT"), _aggregate_rows(answer))


def _read_query(file: str) -> dict[str, Any]:
    try:
        if file == "-":
            # Bytes, so that text that is not UTF-8 is refused like a file's.
            data = sys.stdin.buffer.read()
            body = parse_document("standard input", data, as_json=False)
        else:
            body = read_document(Path(file))
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from None
    if not isinstance(body, dict):
        raise click.ClickException(f"{file} must hold one query object")
    return body


def _aggregate_rows(answer: JourneyAggregateQueryResponse) -> list[list[str]]:
    rows = []
    for result in answer.results or ():
        group = ",".join(
            f"{key}={value}" for key, value in (result.group or {}).items()
        )
        for bucket in result.data or ():
            named = [(str(m.metric), m.stats) for m in bucket.metrics or ()]
            named += [(str(v.name), v.stats) for v in bucket.views or ()]
            for name, stats in named:
                count = "" if stats is None or stats.count is None else str(stats.count)
                rows.append([group or "-", bucket.interval or "", name, count])
    return rows
