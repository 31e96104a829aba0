"""Rate-limit counters skip PostgreSQL's write-ahead log.

Every request writes its token's counter, and a logged write waits for the log
to reach the disk. A counter lost in a database crash only lets a caller make a
few more requests in that minute, so on PostgreSQL the table is unlogged (it
comes back empty after a crash). SQLite has no such notion; nothing changes
there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_counters SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_counters SET LOGGED")
