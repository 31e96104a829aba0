"""Segments, customers and their identities, external contacts, sessions, and
segment assignments.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _customer_ref() -> sa.Column[str]:
    return sa.Column(
        "customer",
        sa.String(36),
        sa.ForeignKey("customers.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "segments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("color", sa.String(16)),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Integer, nullable=False),
        sa.Column("should_display_to_agent", sa.Integer, nullable=False),
        sa.Column("assignment_expiration_days", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("modified_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_segments_display_name_id", "segments", ["display_name", "id"])

    op.create_table(
        "customers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "customer_identities",
        sa.Column("id_type", sa.Text, primary_key=True),
        sa.Column("id_value", sa.Text, primary_key=True),
        _customer_ref(),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index(
        "ix_customer_identities_customer", "customer_identities", ["customer"]
    )

    op.create_table(
        "external_contacts",
        sa.Column("id", sa.String(36), primary_key=True),
        _customer_ref(),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("modified_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_external_contacts_customer", "external_contacts", ["customer"])

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        _customer_ref(),
        sa.Column("customer_id_type", sa.Text, nullable=False),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column("start_ms", sa.BigInteger, nullable=False),
        sa.Column("end_ms", sa.BigInteger),
    )
    op.create_index("ix_sessions_customer", "sessions", ["customer"])

    op.create_table(
        "segment_assignments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "segment_id",
            sa.String(36),
            sa.ForeignKey("segments.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("segment_version", sa.Integer, nullable=False),
        _customer_ref(),
        sa.Column("customer_id_type", sa.Text, nullable=False),
        sa.Column("customer_id", sa.Text, nullable=False),
        sa.Column(
            "session_id",
            sa.String(64),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        ),
        sa.Column("external_contact_id", sa.String(36)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("assigned_ms", sa.BigInteger, nullable=False),
        sa.Column("unassigned_ms", sa.BigInteger),
        sa.Column("modified_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_ms", sa.BigInteger),
    )
    op.create_index(
        "ux_segment_assignments_segment_subject",
        "segment_assignments",
        ["segment_id", "subject"],
        unique=True,
    )
    op.create_index(
        "ix_segment_assignments_customer",
        "segment_assignments",
        ["customer", "modified_ms"],
    )
    op.create_index(
        "ix_segment_assignments_session", "segment_assignments", ["session_id"]
    )
    op.create_index(
        "ix_segment_assignments_expiry", "segment_assignments", ["state", "expires_ms"]
    )


def downgrade() -> None:
    op.drop_table("segment_assignments")
    op.drop_table("sessions")
    op.drop_table("external_contacts")
    op.drop_table("customer_identities")
    op.drop_table("customers")
    op.drop_table("segments")
