"""Opaque, tamper-evident cursors for the assignment listings.

A cursor names the listing it belongs to (which customer, contact or session,
with which filters), the instant the walk began, and the sort key of the last
row returned. It is signed with a key kept in the database, so a caller cannot
forge a position or carry a cursor to another listing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from journeyapi.segments.errors import BadCursor
from journeyapi.storage.database import Database

KEY_NAME = "segment-assignment-cursor"
_SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class Position:
    """Where a walk stands: begun at ``since_ms``, last row ``(sort_ms, id)``."""

    since_ms: int
    sort_ms: int
    id: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._key: bytes | None = None

    def encode(self, listing: str, position: Position) -> str:
        payload = json.dumps(
            [listing, position.since_ms, position.sort_ms, position.id],
            separators=(",", ":"),
        ).encode()
        return f"{_b64(payload)}.{_b64(self._sign(payload))}"

    def decode(self, listing: str, cursor: str) -> Position:
        """The position ``cursor`` holds; 400 unless it is intact and this
        listing's own."""
        try:
            payload_text, signature_text = cursor.split(".")
            payload = _unb64(payload_text)
            signature = _unb64(signature_text)
        except (ValueError, binascii.Error):
            raise BadCursor(cursor) from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise BadCursor(cursor)
        owner, since_ms, sort_ms, last_id = json.loads(payload)
        if owner != listing:
            raise BadCursor(cursor)
        return Position(int(since_ms), int(sort_ms), str(last_id))

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._signing_key(), payload, hashlib.sha256).digest()[
            :_SIGNATURE_BYTES
        ]

    def _signing_key(self) -> bytes:
        if self._key is None:
            self._db.execute(
                "INSERT INTO server_keys (name, value) VALUES (:name, :value)"
                " ON CONFLICT (name) DO NOTHING",
                {"name": KEY_NAME, "value": secrets.token_hex(32)},
            )
            row = self._db.fetch_one(
                "SELECT value FROM server_keys WHERE name = :name", {"name": KEY_NAME}
            )
            assert row is not None
            self._key = bytes.fromhex(row["value"])
        return self._key
