"""The schema, as SQLAlchemy Core tables.

The migrations create exactly this; a test compares the two. Instants are stored as
epoch milliseconds (the precision the API speaks), lists and key/value data as JSON
text, so the same schema serves every supported database.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

action_targets = Table(
    "action_targets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("state", String(16), nullable=False),
    Column("supported_media_types", Text, nullable=False),
    Column("user_data", Text, nullable=False),
    Column("service_level_percentage", Float),
    Column("service_level_duration_ms", BigInteger),
    Column("short_abandon_threshold", Integer),
    Column("created_ms", BigInteger, nullable=False),
    Column("modified_ms", BigInteger, nullable=False),
    Index("ix_action_targets_name_id", "name", "id"),
)

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", Text, nullable=False),
    Column("secret_hash", Text, nullable=False),
    Column("permissions", Text, nullable=False),
    Column("token_lifetime_seconds", Integer, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

oauth_tokens = Table(
    "oauth_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "client_id",
        String(36),
        ForeignKey("oauth_clients.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("issued_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Index("ix_oauth_tokens_client_id", "client_id"),
)

server_keys = Table(
    "server_keys",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Journey events produced by transactional operations (segment assignments),
# written in the same transaction as the change that caused them, and moved to
# the event store by the relay. ``seq`` orders them; ``event_id`` makes the move
# idempotent.
journey_event_outbox = Table(
    "journey_event_outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

segments = Table(
    "segments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("description", Text),
    Column("color", String(16)),
    Column("scope", String(16), nullable=False),
    Column("is_active", Integer, nullable=False),
    Column("should_display_to_agent", Integer, nullable=False),
    Column("assignment_expiration_days", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("modified_ms", BigInteger, nullable=False),
    Index("ix_segments_display_name_id", "display_name", "id"),
)

# A customer is known only by its identities: (type, value) pairs such as
# ("email", "ann@example.com"); ``id`` is journeyapi's own key.
customers = Table(
    "customers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_ms", BigInteger, nullable=False),
)

customer_identities = Table(
    "customer_identities",
    metadata,
    Column("id_type", Text, primary_key=True),
    Column("id_value", Text, primary_key=True),
    Column(
        "customer",
        String(36),
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_customer_identities_customer", "customer"),
)

external_contacts = Table(
    "external_contacts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "customer",
        String(36),
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("body", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("modified_ms", BigInteger, nullable=False),
    Index("ix_external_contacts_customer", "customer"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", Text, nullable=False),
    Column(
        "customer",
        String(36),
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("customer_id_type", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("end_ms", BigInteger),
    Index("ix_sessions_customer", "customer"),
)

# One row per (segment, subject): the subject is the customer for a
# customer-scoped segment and the session for a session-scoped one, so that
# assigning again updates the row instead of adding one. ``expires_ms`` is when
# the assignment lapses on its own; reads treat a lapsed row as unassigned
# whether or not the sweep has written that down yet.
segment_assignments = Table(
    "segment_assignments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "segment_id",
        String(36),
        ForeignKey("segments.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("subject", String(64), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("segment_version", Integer, nullable=False),
    Column(
        "customer",
        String(36),
        ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("customer_id_type", Text, nullable=False),
    Column("customer_id", Text, nullable=False),
    Column("session_id", String(64), ForeignKey("sessions.id", ondelete="CASCADE")),
    Column("external_contact_id", String(36)),
    Column("state", String(16), nullable=False),
    Column("assigned_ms", BigInteger, nullable=False),
    Column("unassigned_ms", BigInteger),
    Column("modified_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger),
    Index(
        "ux_segment_assignments_segment_subject", "segment_id", "subject", unique=True
    ),
    Index("ix_segment_assignments_customer", "customer", "modified_ms"),
    Index("ix_segment_assignments_session", "session_id"),
    Index("ix_segment_assignments_expiry", "state", "expires_ms"),
)
# Requests counted per access token (its stored hash) and one-minute window, on
# PostgreSQL where several server processes share the counts.
rate_limit_counters = Table(
    "rate_limit_counters",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("window_start_ms", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)

# Injected faults: the rule as JSON, and the counts every process shares
# (``matched``: requests the rule matched; ``fired``: those it answered).
faults = Table(
    "faults",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("definition", Text, nullable=False),
    Column("matched", Integer, nullable=False),
    Column("fired", Integer, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)
