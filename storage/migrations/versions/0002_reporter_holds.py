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


def downgrade() -> None:
    with op.batch_alter_table("pending_reports") as batch:
        batch.drop_column("held_at")
