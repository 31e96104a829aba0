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
