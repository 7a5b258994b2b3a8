"""reporter holds: when a report over its reporter's limit was held for the admins

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import Instant

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_reports") as batch:
        batch.add_column(sa.Column("held_at", Instant(), nullable=True))
        batch.add_column(sa.Column("hold_list", sa.Integer(), nullable=True))
    op.create_index("ix_pending_reports_held", "pending_reports", ["status", "held_at"])
    op.create_index("ix_tickets_reporter_reported", "tickets", ["reporter_id", "reported_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_reporter_reported", table_name="tickets")
    op.drop_index("ix_pending_reports_held", table_name="pending_reports")
    with op.batch_alter_table("pending_reports") as batch:
        batch.drop_column("hold_list")
        batch.drop_column("held_at")
