"""SQL for OAuth clients, tokens and the server's keys."""

from __future__ import annotations

import json
import secrets

from journeyapi.storage.database import Database, Row

TOKEN_KEY_NAME = "token-hmac"


def insert_client(
    db: Database,
    *,
    client_id: str,
    name: str,
    secret_hash: str,
    permissions: tuple[str, ...],
    token_lifetime_seconds: int,
    created_ms: int,
) -> None:
    db.execute(
        "INSERT INTO oauth_clients"
        " (id, name, secret_hash, permissions, token_lifetime_seconds, created_ms)"
        " VALUES (:id, :name, :secret_hash, :permissions, :lifetime, :created_ms)",
        {
            "id": client_id,
            "name": name,
            "secret_hash": secret_hash,
            "permissions": json.dumps(list(permissions)),
            "lifetime": token_lifetime_seconds,
            "created_ms": created_ms,
        },
    )


def get_client(db: Database, client_id: str) -> Row | None:
    return db.fetch_one(
        "SELECT id, name, secret_hash, permissions, token_lifetime_seconds, created_ms"
        " FROM oauth_clients WHERE id = :id",
        {"id": client_id},
    )


def list_clients(db: Database) -> list[Row]:
    return db.fetch_all(
        "SELECT id, name, permissions, token_lifetime_seconds, created_ms"
        " FROM oauth_clients ORDER BY created_ms, id"
    )


def insert_token(
    db: Database, *, token_hash: str, client_id: str, issued_ms: int, expires_ms: int
) -> None:
    db.execute(
        "INSERT INTO oauth_tokens (token_hash, client_id, issued_ms, expires_ms)"
        " VALUES (:token_hash, :client_id, :issued_ms, :expires_ms)",
        {
            "token_hash": token_hash,
            "client_id": client_id,
            "issued_ms": issued_ms,
            "expires_ms": expires_ms,
        },
    )


def find_token(db: Database, token_hash: str) -> Row | None:
    return db.fetch_one(
        "SELECT t.client_id, t.expires_ms, c.permissions"
        " FROM oauth_tokens t JOIN oauth_clients c ON c.id = t.client_id"
        " WHERE t.token_hash = :token_hash",
        {"token_hash": token_hash},
    )


def delete_client_tokens(db: Database, client_id: str) -> int:
    return db.execute(
        "DELETE FROM oauth_tokens WHERE client_id = :client_id",
        {"client_id": client_id},
    )


def delete_token(db: Database, token_hash: str) -> int:
    return db.execute(
        "DELETE FROM oauth_tokens WHERE token_hash = :token_hash",
        {"token_hash": token_hash},
    )


def token_key(db: Database) -> bytes:
    """The key tokens are hashed with, made once and shared by every process."""
    db.execute(
        "INSERT INTO server_keys (name, value) VALUES (:name, :value)"
        " ON CONFLICT (name) DO NOTHING",
        {"name": TOKEN_KEY_NAME, "value": secrets.token_hex(32)},
    )
    row = db.fetch_one(
        "SELECT value FROM server_keys WHERE name = :name", {"name": TOKEN_KEY_NAME}
    )
    assert row is not None
    return bytes.fromhex(row["value"])
