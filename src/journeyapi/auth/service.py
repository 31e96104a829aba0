"""OAuth client-credentials: clients, token issue, and token checks.

Client secrets are hashed with Argon2 (slow and salted: a stolen table does not
give the secrets away). Access tokens are random and looked up on every request,
so they are hashed with a keyed HMAC instead: as safe against a stolen table, and
fast enough for the hot path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from journeyapi.auth import store
from journeyapi.auth.permissions import resolve
from journeyapi.clock import Clock, to_millis
from journeyapi.errors import (
    AuthenticationRequired,
    BadCredentials,
    BadRequest,
    CredentialsExpired,
    MissingAnyPermissions,
    NotFound,
)
from journeyapi.storage.database import Database

_hasher = PasswordHasher()


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str
    name: str
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


@dataclass(frozen=True)
class Principal:
    """Who is calling, and what they may do."""

    client_id: str
    permissions: frozenset[str]
    # The stored (keyed) hash of the caller's token: what its rate is counted by.
    token_hash: str = ""

    def require_any(self, *permissions: str) -> None:
        if not self.permissions.intersection(permissions):
            raise MissingAnyPermissions(permissions)


class UnknownClient(NotFound):
    template = "No OAuth client has the id [{clientId}]."

    def __init__(self, client_id: str) -> None:
        super().__init__({"clientId": client_id})


@lru_cache(maxsize=256)
def _parse_permissions(stored: str) -> frozenset[str]:
    # Every token of a client carries the same text, so parse it once.
    return frozenset(json.loads(stored))


class AuthService:
    def __init__(
        self, db: Database, clock: Clock, default_token_lifetime_seconds: int
    ) -> None:
        self._db = db
        self._clock = clock
        self._default_lifetime = default_token_lifetime_seconds
        self._key: bytes | None = None

    def create_client(
        self,
        name: str,
        *,
        permissions: tuple[str, ...] = (),
        roles: tuple[str, ...] = (),
        token_lifetime_seconds: int | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> ClientCredentials:
        """Register a client; the secret is in the answer and nowhere else."""
        if not name.strip():
            raise BadRequest(template="A client needs a non-empty name.")

        granted = resolve(permissions, roles)
        client_id = client_id or str(uuid.uuid4())
        client_secret = client_secret or secrets.token_urlsafe(32)
        store.insert_client(
            self._db,
            client_id=client_id,
            name=name,
            secret_hash=_hasher.hash(client_secret),
            permissions=granted,
            token_lifetime_seconds=token_lifetime_seconds or self._default_lifetime,
            created_ms=to_millis(self._clock.now()),
        )
        return ClientCredentials(client_id, client_secret, name, granted)

    def client_exists(self, client_id: str) -> bool:
        return store.get_client(self._db, client_id) is not None

    def stored_secret(self, client_id: str) -> tuple[str, int | None]:
        """The secret hash to check a caller's secret against, and the lifetime.

        For an unknown client the hash is a decoy and the lifetime ``None``: the
        caller still runs the (slow) check, so an unknown id takes as long to
        refuse as a wrong secret and the refusal does not tell which was wrong.
        """
        row = store.get_client(self._db, client_id)
        if row is None:
            return _DECOY_HASH, None
        return str(row["secret_hash"]), int(row["token_lifetime_seconds"])

    def issue_token(self, client_id: str, lifetime_seconds: int) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        store.insert_token(
            self._db,
            token_hash=self._hash_token(token),
            client_id=client_id,
            issued_ms=to_millis(now),
            expires_ms=to_millis(now + timedelta(seconds=lifetime_seconds)),
        )
        return IssuedToken(token, lifetime_seconds)

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise AuthenticationRequired()

        # The token is found by its keyed hash, never compared as text: the
        # time the lookup takes says nothing about how close a guess came.
        token_hash = self._hash_token(token)
        row = store.find_token(self._db, token_hash)
        if row is None:
            raise BadCredentials()
        if row["expires_ms"] <= to_millis(self._clock.now()):
            raise CredentialsExpired()
        return Principal(
            row["client_id"], _parse_permissions(row["permissions"]), token_hash
        )

    def revoke_client_tokens(self, client_id: str) -> int:
        """Revoke every token of a client; answers how many there were."""
        if not self.client_exists(client_id):
            raise UnknownClient(client_id)
        return store.delete_client_tokens(self._db, client_id)

    def revoke_token(self, token: str) -> bool:
        """Revoke one token; ``False`` when no such token exists."""
        return store.delete_token(self._db, self._hash_token(token.strip())) > 0

    def _hash_token(self, token: str) -> str:
        if self._key is None:
            self._key = store.token_key(self._db)
        return hmac.new(self._key, token.encode(), hashlib.sha256).hexdigest()


def verify_secret(secret_hash: str, client_secret: str) -> bool:
    """Check a secret against its Argon2 hash (tens of milliseconds, on purpose).

    Callers on the event loop run this in a worker thread; it touches no
    connection.
    """
    try:
        return _hasher.verify(secret_hash, client_secret)
    except (VerificationError, InvalidHashError):
        return False


_DECOY_HASH = _hasher.hash(secrets.token_urlsafe(16))
