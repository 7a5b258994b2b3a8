"""wechat: the service account's shared access token, followers' message budgets and positions

WeChat's access token must be one for all processes (a forced refresh by one invalidates the
others'); the customer-service budget (5 messages within 48 h of a follower's message, …) must
survive restarts and be seen by every process that sends; a follower's LOCATION event places a
photo they send alone soon after. Three small tables, one row per account or follower.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.types import Instant

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_tokens",
        sa.Column("app_id", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_wechat_tokens")),
    )
    op.create_table(
        "wechat_budgets",
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("grants", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                  nullable=False),
        sa.Column("updated_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("openid", name=op.f("pk_wechat_budgets")),
    )
    op.create_table(
        "wechat_positions",
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("precision_m", sa.Float(), nullable=True),
        sa.Column("reported_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("openid", name=op.f("pk_wechat_positions")),
    )


def downgrade() -> None:
    op.drop_table("wechat_positions")
    op.drop_table("wechat_budgets")
    op.drop_table("wechat_tokens")
