"""Revoking tokens from the command line: all of a client's, or one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from journeyapi.auth.permissions import ACTION_TARGET_VIEW
from journeyapi.cli import main
from journeyapi.errors import BadCredentials
from journeyapi.services import Services

PATH = "/api/v2/journey/actiontargets"


def run(*args: str, given: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=given)
    return result.exit_code, result.output


def test_revoking_a_client_refuses_all_its_tokens_and_no_others(
    client: TestClient, services: Services, database_url: str
) -> None:
    revoked = services.auth.create_client("gone", permissions=(ACTION_TARGET_VIEW,))
    kept = services.auth.create_client("kept", permissions=(ACTION_TARGET_VIEW,))
    tokens = [services.auth.issue_token(revoked.client_id, 3600) for _ in range(2)]
    other = services.auth.issue_token(kept.client_id, 3600)

    code, output = run(
        "tokens", "revoke", "--client", revoked.client_id, "--database", database_url
    )

    assert (code, output) == (0, f"Revoked 2 tokens of client {revoked.client_id}.\n")
    for token in tokens:
        answer = client.get(
            PATH, headers={"Authorization": f"Bearer {token.access_token}"}
        )
        assert answer.status_code == 401
        assert answer.json()["code"] == "bad.credentials"
    still = client.get(PATH, headers={"Authorization": f"Bearer {other.access_token}"})
    assert still.status_code == 200


def test_revoking_one_token_read_from_standard_input(
    services: Services, database_url: str, client: TestClient
) -> None:
    created = services.auth.create_client("one", permissions=(ACTION_TARGET_VIEW,))
    gone = services.auth.issue_token(created.client_id, 3600).access_token
    kept = services.auth.issue_token(created.client_id, 3600).access_token

    code, output = run(
        "tokens", "revoke", "--token", "-", "--database", database_url,
        given=gone + "\n",
    )  # fmt: skip

    assert (code, output) == (0, "Revoked 1 token.\n")
    with pytest.raises(BadCredentials):
        services.auth.authenticate(gone)
    assert services.auth.authenticate(kept).client_id == created.client_id


def test_revoking_an_unknown_token_or_client_fails_saying_so(
    database_url: str, client: TestClient
) -> None:
    token_code, token_output = run(
        "tokens", "revoke", "--token", "nope", "--database", database_url
    )
    client_code, client_output = run(
        "tokens", "revoke", "--client", "nobody", "--database", database_url
    )

    assert (token_code, token_output) == (1, "Error: No such token.\n")
    assert (client_code, client_output) == (
        1,
        "Error: No OAuth client has the id [nobody].\n",
    )


@pytest.mark.parametrize(
    "args", [(), ("--client", "a", "--token", "b")], ids=["neither", "both"]
)
def test_revoke_needs_exactly_one_of_client_or_token(
    database_url: str, args: tuple[str, ...]
) -> None:
    code, output = run("tokens", "revoke", *args, "--database", database_url)

    assert code == 2
    assert "Give one of --client CLIENT_ID or --token TOKEN." in output
