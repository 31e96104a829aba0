"""``journeyapi tokens``: revoke access tokens."""

from __future__ import annotations

import sys

import click

from journeyapi.cli import database_option, opened


@click.group("tokens")
def tokens() -> None:
    """Manage access tokens."""


@tokens.command("revoke")
@click.option("--client", "client_id", help="Revoke every token of this client.")
@click.option(
    "--token",
    help="Revoke this one token ('-' reads it from standard input, out of sight).",
)
@database_option
def revoke(client_id: str | None, token: str | None, database: str) -> None:
    """Revoke tokens; a revoked token is refused at once by every server."""
    if (client_id is None) == (token is None):
        raise click.UsageError("Give one of --client CLIENT_ID or --token TOKEN.")

    with opened(database) as services:
        if client_id is not None:
            revoked = services.auth.revoke_client_tokens(client_id)
            click.echo(f"Revoked {revoked} tokens of client {client_id}.")
            return
        assert token is not None
        if token == "-":
            token = _token_from_stdin()
        if not services.auth.revoke_token(token):
            raise click.ClickException("No such token.")
        click.echo("Revoked 1 token.")


def _token_from_stdin() -> str:
    # Read as bytes: how the text stream decodes them depends on the locale.
    line = sys.stdin.buffer.readline()
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"the token on standard input is not UTF-8 text (byte {exc.start + 1})"
        ) from None
