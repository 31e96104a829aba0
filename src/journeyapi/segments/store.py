"""SQL of segments, customers, external contacts, sessions and assignments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from journeyapi.storage.database import Database, Row

# --- segments ---------------------------------------------------------------

_SEGMENT_COLUMNS = (
    "id, display_name, description, color, scope, is_active,"
    " should_display_to_agent, assignment_expiration_days, version, created_ms,"
    " modified_ms"
)


def get_segment(db: Database, segment_id: str) -> Row | None:
    return db.fetch_one(
        f"SELECT {_SEGMENT_COLUMNS} FROM segments WHERE id = :id", {"id": segment_id}
    )


def get_segments(db: Database, segment_ids: Sequence[str]) -> dict[str, Row]:
    if not segment_ids:
        return {}
    names = {f"s{index}": value for index, value in enumerate(segment_ids)}
    rows = db.fetch_all(
        f"SELECT {_SEGMENT_COLUMNS} FROM segments"
        f" WHERE id IN ({', '.join(':' + name for name in names)})",
        names,
    )
    return {str(row["id"]): row for row in rows}


def count_segments(db: Database) -> int:
    row = db.fetch_one("SELECT count(*) AS n FROM segments")
    return int(row["n"]) if row else 0


def page_segments(db: Database, offset: int, limit: int) -> list[Row]:
    return db.fetch_all(
        f"SELECT {_SEGMENT_COLUMNS} FROM segments ORDER BY display_name, id"
        " LIMIT :limit OFFSET :offset",
        {"limit": limit, "offset": offset},
    )


def insert_segment(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        f"INSERT INTO segments ({_SEGMENT_COLUMNS}) VALUES (:id, :display_name,"
        " :description, :color, :scope, :is_active, :should_display_to_agent,"
        " :assignment_expiration_days, :version, :created_ms, :modified_ms)",
        row,
    )


def update_segment(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        "UPDATE segments SET display_name = :display_name,"
        " description = :description, color = :color, is_active = :is_active,"
        " should_display_to_agent = :should_display_to_agent,"
        " assignment_expiration_days = :assignment_expiration_days,"
        " version = :version, modified_ms = :modified_ms WHERE id = :id",
        row,
    )


def delete_segment(db: Database, segment_id: str) -> int:
    return db.execute("DELETE FROM segments WHERE id = :id", {"id": segment_id})


# --- customers and identities -------------------------------------------------


def customer_of_identity(db: Database, id_type: str, id_value: str) -> str | None:
    row = db.fetch_one(
        "SELECT customer FROM customer_identities"
        " WHERE id_type = :id_type AND id_value = :id_value",
        {"id_type": id_type, "id_value": id_value},
    )
    return str(row["customer"]) if row else None


def get_customer(db: Database, customer_id: str) -> Row | None:
    return db.fetch_one(
        "SELECT id, created_ms FROM customers WHERE id = :id", {"id": customer_id}
    )


def identities_of(db: Database, customer_id: str) -> list[Row]:
    return db.fetch_all(
        "SELECT id_type, id_value FROM customer_identities WHERE customer = :c"
        " ORDER BY created_ms, id_type, id_value",
        {"c": customer_id},
    )


def insert_customer(db: Database, customer_id: str, created_ms: int) -> None:
    db.execute(
        "INSERT INTO customers (id, created_ms) VALUES (:id, :created_ms)",
        {"id": customer_id, "created_ms": created_ms},
    )


def insert_identity(
    db: Database, customer_id: str, id_type: str, id_value: str, created_ms: int
) -> bool:
    """Add an identity unless it exists; answers whether it was added."""
    touched = db.execute(
        "INSERT INTO customer_identities (id_type, id_value, customer, created_ms)"
        " VALUES (:id_type, :id_value, :customer, :created_ms)"
        " ON CONFLICT (id_type, id_value) DO NOTHING",
        {
            "id_type": id_type,
            "id_value": id_value,
            "customer": customer_id,
            "created_ms": created_ms,
        },
    )
    return touched == 1


# --- external contacts --------------------------------------------------------


def get_contact(db: Database, contact_id: str) -> Row | None:
    return db.fetch_one(
        "SELECT id, customer, body, created_ms, modified_ms FROM external_contacts"
        " WHERE id = :id",
        {"id": contact_id},
    )


def contacts_of(db: Database, customer_id: str) -> list[str]:
    rows = db.fetch_all(
        "SELECT id FROM external_contacts WHERE customer = :c ORDER BY created_ms, id",
        {"c": customer_id},
    )
    return [str(row["id"]) for row in rows]


def insert_contact(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO external_contacts (id, customer, body, created_ms, modified_ms)"
        " VALUES (:id, :customer, :body, :created_ms, :modified_ms)",
        row,
    )


# --- sessions -----------------------------------------------------------------

_SESSION_COLUMNS = "id, type, customer, customer_id_type, customer_id, start_ms, end_ms"


_MENTIONED_IDENTITIES = {"id_type": "TEXT", "id_value": "TEXT", "customer": "TEXT"}
_MENTIONED_SESSIONS = {
    "id": "TEXT",
    "type": "TEXT",
    "id_type": "TEXT",
    "id_value": "TEXT",
    "start_ms": "BIGINT",
}
_KNOWN_IDENTITY = (
    "DELETE FROM mentioned_identities WHERE EXISTS (SELECT 1"
    " FROM customer_identities AS c"
    " WHERE c.id_type = mentioned_identities.id_type"
    " AND c.id_value = mentioned_identities.id_value)"
)


def record_mentions(
    db: Database,
    identities: Iterable[Sequence[Any]],
    sessions: Iterable[Sequence[Any]],
    created_ms: int,
    default_type: str,
) -> None:
    """Add the customers and sessions mentioned that are not stored yet.

    ``identities`` are distinct (id type, id value, customer to make) rows;
    ``sessions`` are distinct (id, type, id type, id value, start) rows whose
    identities are among them or stored. Run it in a transaction. A few set
    statements whatever the number of rows: an import hands over hundreds of
    thousands at a time.
    """
    db.stage("mentioned_identities", _MENTIONED_IDENTITIES, identities)
    db.stage("mentioned_sessions", _MENTIONED_SESSIONS, sessions)
    # Looked up once: what is left are the pairs to add, each with its customer.
    db.execute(_KNOWN_IDENTITY)
    db.execute(
        "INSERT INTO customers (id, created_ms)"
        " SELECT customer, :created_ms FROM mentioned_identities",
        {"created_ms": created_ms},
    )
    db.execute(
        "INSERT INTO customer_identities (id_type, id_value, customer, created_ms)"
        " SELECT id_type, id_value, customer, :created_ms FROM mentioned_identities",
        {"created_ms": created_ms},
    )
    # A session that exists is left as it is: events never rewrite what an
    # administrator or an earlier batch recorded.
    db.execute(
        f"INSERT INTO sessions ({_SESSION_COLUMNS})"
        " SELECT s.id, coalesce(s.type, :default_type), c.customer, s.id_type,"
        " s.id_value, s.start_ms, NULL FROM mentioned_sessions AS s"
        " JOIN customer_identities AS c"
        " ON c.id_type = s.id_type AND c.id_value = s.id_value"
        " WHERE NOT EXISTS (SELECT 1 FROM sessions AS x WHERE x.id = s.id)",
        {"default_type": default_type},
    )


def get_session(db: Database, session_id: str) -> Row | None:
    return db.fetch_one(
        f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = :id", {"id": session_id}
    )


def insert_session(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (:id, :type, :customer,"
        " :customer_id_type, :customer_id, :start_ms, :end_ms)",
        row,
    )


def end_session(db: Database, session_id: str, end_ms: int) -> None:
    db.execute(
        "UPDATE sessions SET end_ms = :end_ms WHERE id = :id",
        {"id": session_id, "end_ms": end_ms},
    )


# --- assignments --------------------------------------------------------------

ASSIGNMENT_COLUMNS = (
    "id, segment_id, subject, scope, segment_version, customer, customer_id_type,"
    " customer_id, session_id, external_contact_id, state, assigned_ms,"
    " unassigned_ms, modified_ms, expires_ms"
)


def get_assignment(db: Database, segment_id: str, subject: str) -> Row | None:
    return db.fetch_one(
        f"SELECT {ASSIGNMENT_COLUMNS} FROM segment_assignments"
        " WHERE segment_id = :segment_id AND subject = :subject",
        {"segment_id": segment_id, "subject": subject},
    )


def insert_assignment(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        f"INSERT INTO segment_assignments ({ASSIGNMENT_COLUMNS}) VALUES (:id,"
        " :segment_id, :subject, :scope, :segment_version, :customer,"
        " :customer_id_type, :customer_id, :session_id, :external_contact_id,"
        " :state, :assigned_ms, :unassigned_ms, :modified_ms, :expires_ms)",
        row,
    )


def update_assignment(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        "UPDATE segment_assignments SET state = :state,"
        " segment_version = :segment_version, assigned_ms = :assigned_ms,"
        " unassigned_ms = :unassigned_ms, modified_ms = :modified_ms,"
        " expires_ms = :expires_ms, external_contact_id = :external_contact_id"
        " WHERE id = :id",
        row,
    )


def persist_lapse(db: Database, row: dict[str, Any]) -> bool:
    """Write a lapse down unless someone else already changed the row; answers
    whether this call wrote it."""
    touched = db.execute(
        "UPDATE segment_assignments SET state = :state,"
        " unassigned_ms = :unassigned_ms, modified_ms = :modified_ms"
        " WHERE id = :id AND state = 'Assigned' AND expires_ms = :expires_ms",
        row,
    )
    return touched == 1


def lapsed_assignments(db: Database, now_ms: int, limit: int) -> list[Row]:
    return db.fetch_all(
        f"SELECT {ASSIGNMENT_COLUMNS} FROM segment_assignments"
        " WHERE state = 'Assigned' AND expires_ms <= :now ORDER BY expires_ms, id"
        " LIMIT :limit",
        {"now": now_ms, "limit": limit},
    )


def expire_session_assignments(db: Database, session_id: str, end_ms: int) -> None:
    db.execute(
        "UPDATE segment_assignments SET expires_ms = :end_ms"
        " WHERE session_id = :session_id AND state = 'Assigned'",
        {"session_id": session_id, "end_ms": end_ms},
    )


# What a row reads as at :now, and where it sorts for a walk that began at
# :since. A lapsed row reads as unassigned at its expiry instant; it sorts by
# that instant only if it had lapsed when the walk began, so that no row moves
# while a caller pages through.
_LISTING = f"""
SELECT * FROM (
  SELECT a.*, s.type AS session_type,
    CASE WHEN a.state = 'Assigned' AND a.expires_ms <= :now
      THEN 'Unassigned' ELSE a.state END AS effective_state,
    CASE WHEN a.state = 'Assigned' AND a.expires_ms <= :since
      THEN a.expires_ms ELSE a.modified_ms END AS sort_ms
  FROM (SELECT {ASSIGNMENT_COLUMNS} FROM segment_assignments WHERE {{where}}) a
  LEFT JOIN sessions s ON s.id = a.session_id
) AS listed WHERE {{filters}}
ORDER BY sort_ms DESC, id
LIMIT :limit
"""

BY_CUSTOMER = "customer = :customer"
BY_SESSION = "session_id = :session OR (scope = 'Customer' AND customer = :customer)"


def list_assignments(
    db: Database,
    where: str,
    params: dict[str, Any],
    *,
    scope: str | None,
    state: str | None,
    after: tuple[int, str] | None,
    limit: int,
) -> list[Row]:
    filters = ["1 = 1"]
    if scope is not None:
        filters.append("scope = :scope")
    if state is not None:
        filters.append("effective_state = :state")
    if after is not None:
        filters.append(
            "(sort_ms < :after_ms OR (sort_ms = :after_ms AND id > :after_id))"
        )
    sql = _LISTING.format(where=where, filters=" AND ".join(filters))
    return db.fetch_all(
        sql,
        {
            **params,
            "scope": scope,
            "state": state,
            "after_ms": after[0] if after else None,
            "after_id": after[1] if after else None,
            "limit": limit,
        },
    )
