"""inbox lanes: one sender's updates in one chat are handled in order, not the whole chat's

Until now every update of a chat waited for the one before it, so a storm of riders reporting
in one group was handled one update at a time, however many workers or processes there were.
An update now carries its lane (the chat, and who sent it); updates already stored keep their
chat as their lane, so they are handled exactly as before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        batch.add_column(sa.Column("lane", sa.String(length=260), nullable=True))
    op.execute("UPDATE inbox SET lane = chat_id")
    # A claim asks, for each candidate, for the first pending update of its lane.
    op.create_index("ix_inbox_lane_status_id", "inbox", ["lane", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_lane_status_id", table_name="inbox")
    with op.batch_alter_table("inbox") as batch:
        batch.drop_column("lane")
