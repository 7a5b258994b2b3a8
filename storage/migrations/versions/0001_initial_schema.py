"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:07:22.037481
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.types import Instant

# Frozen here: the statuses that counted as open when this revision was written.
OPEN_TICKETS = (
    "status IN ('acknowledged', 'assigned', 'in_progress', 'new', 'reopened', 'transferred')"
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.String(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index(
        op.f("ix_apscheduler_jobs_next_run_time"),
        "apscheduler_jobs",
        ["next_run_time"],
        unique=False,
    )

    op.create_table(
        "chat_lanes",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("next_send_at", sa.Float(), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.Column("window_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chat_lanes")),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "inbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("dedup_key", sa.String(length=96), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", Instant(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", Instant(), nullable=True),
        sa.Column("processed_at", Instant(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_inbox_dedup_key")),
        sa.UniqueConstraint("update_id", name=op.f("uq_inbox_update_id")),
    )
    op.create_index("ix_inbox_status_id", "inbox", ["status", "id"], unique=False)
    op.create_index("ix_inbox_chat_message", "inbox", ["chat_id", "message_id"], unique=False)

    op.create_table(
        "job_runs",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("started_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_job_runs")),
    )
    op.create_table(
        "message_refs",
        sa.Column("ref", sa.String(length=96), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_number", sa.Integer(), nullable=True),
        sa.Column("created_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_message_refs")),
    )
    op.create_index(
        "ix_message_refs_chat_message", "message_refs", ["chat_id", "message_id"], unique=False
    )

    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", Instant(), nullable=False),
        sa.Column("not_before", Instant(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", Instant(), nullable=True),
        sa.Column("sent_at", Instant(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("ref", sa.String(length=96), nullable=True),
        sa.Column("merge_line", sa.Text(), nullable=True),
        sa.Column("floor_message_id", sa.BigInteger(), nullable=True),
        sa.Column("merged_into", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_status_chat_id", "outbox", ["status", "chat_id", "id"], unique=False)
    op.create_index("ix_outbox_chat_message", "outbox", ["chat_id", "message_id"], unique=False)

    op.create_table(
        "pending_reports",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("started_at", Instant(), nullable=False),
        sa.Column("expires_at", Instant(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("first_message_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("asked", sa.Boolean(), nullable=False),
        sa.Column("ticket_number", sa.Integer(), nullable=True),
        sa.Column("settle_at", Instant(), nullable=True),
        sa.Column("fetch_file_id", sa.String(length=256), nullable=True),
        sa.Column("fetch_after", Instant(), nullable=True),
        sa.Column("fetch_attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_reports")),
    )
    op.create_index(
        "ix_pending_reports_album", "pending_reports", ["chat_id", "media_group_id"], unique=False
    )
    op.create_index(
        "ix_pending_reports_expiry", "pending_reports", ["status", "expires_at"], unique=False
    )
    op.create_index(
        "ix_pending_reports_fetch", "pending_reports", ["status", "fetch_after"], unique=False
    )
    op.create_index(
        "ix_pending_reports_open", "pending_reports", ["chat_id", "user_id", "status"], unique=False
    )
    op.create_index(
        "ix_pending_reports_settle", "pending_reports", ["status", "settle_at"], unique=False
    )

    op.create_table(
        "tickets",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("reporter_id", sa.BigInteger(), nullable=True),
        sa.Column("reporter_name", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.Column("cell", sa.BigInteger(), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("has_photo", sa.Boolean(), nullable=False),
        sa.Column("forwarded_from", sa.String(length=256), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=True),
        sa.Column("assignee_name", sa.String(length=128), nullable=True),
        sa.Column("reported_at", Instant(), nullable=False),
        sa.Column("assigned_at", Instant(), nullable=True),
        sa.Column("acknowledged_at", Instant(), nullable=True),
        sa.Column("resolved_at", Instant(), nullable=True),
        sa.Column("closed_at", Instant(), nullable=True),
        sa.Column("ack_due_at", Instant(), nullable=True),
        sa.Column("resolve_due_at", Instant(), nullable=True),
        sa.Column("close_reason", sa.String(length=32), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("reporter_count", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=32), nullable=True),
        sa.Column("rated_at", Instant(), nullable=True),
        sa.Column("ack_escalation", sa.Integer(), nullable=False),
        sa.Column("resolve_reminder", sa.Integer(), nullable=False),
        sa.Column("next_check_at", Instant(), nullable=True),
        sa.Column("updated_at", Instant(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_index("ix_tickets_ack_due_at", "tickets", ["ack_due_at"], unique=False)
    op.create_index("ix_tickets_acknowledged_at", "tickets", ["acknowledged_at"], unique=False)
    op.create_index("ix_tickets_chat_reported", "tickets", ["chat_id", "reported_at"], unique=False)
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"], unique=False)
    op.create_index(
        "ix_tickets_department_status", "tickets", ["department_id", "status"], unique=False
    )
    op.create_index(
        "ix_tickets_open_nearby",
        "tickets",
        ["category_id", "cell"],
        unique=False,
        postgresql_where=sa.text(OPEN_TICKETS),
        sqlite_where=sa.text(OPEN_TICKETS),
    )
    op.create_index("ix_tickets_next_check_at", "tickets", ["next_check_at"], unique=False)
    op.create_index("ix_tickets_rated_at", "tickets", ["rated_at"], unique=False)
    op.create_index("ix_tickets_reported_at", "tickets", ["reported_at"], unique=False)
    op.create_index("ix_tickets_resolved_at", "tickets", ["resolved_at"], unique=False)
    op.create_index(
        "ix_tickets_status_resolve_due", "tickets", ["status", "resolve_due_at"], unique=False
    )

    op.create_table(
        "users",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(length=128), nullable=False),
        sa.Column("last_name", sa.String(length=128), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("private_chat", sa.Boolean(), nullable=False),
        sa.Column("updated_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
    )
    op.create_table(
        "ticket_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", Instant(), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_name", sa.String(length=128), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
        sa.UniqueConstraint("ticket_id", "seq", name=op.f("uq_ticket_events_ticket_id_seq")),
    )
    op.create_index("ix_ticket_events_at", "ticket_events", ["at"], unique=False)

    op.create_table(
        "ticket_followers",
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("joined_at", Instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_followers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "user_id", name=op.f("pk_ticket_followers")),
    )
    op.create_table(
        "ticket_photos",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("file_unique_id", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("added_at", Instant(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Instant(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_photos_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_photos")),
        sa.UniqueConstraint(
            "ticket_id", "file_unique_id", name=op.f("uq_ticket_photos_ticket_id_file_unique_id")
        ),
    )
    op.create_index(
        "ix_ticket_photos_pending", "ticket_photos", ["sha256", "next_attempt_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_photos_pending", table_name="ticket_photos")

    op.drop_table("ticket_photos")
    op.drop_table("ticket_followers")
    op.drop_index("ix_ticket_events_at", table_name="ticket_events")

    op.drop_table("ticket_events")
    op.drop_table("users")
    op.drop_index("ix_tickets_status_resolve_due", table_name="tickets")
    op.drop_index("ix_tickets_next_check_at", table_name="tickets")
    op.drop_index("ix_tickets_resolved_at", table_name="tickets")
    op.drop_index("ix_tickets_reported_at", table_name="tickets")
    op.drop_index("ix_tickets_rated_at", table_name="tickets")
    op.drop_index(
        "ix_tickets_open_nearby",
        table_name="tickets",
        postgresql_where=sa.text(OPEN_TICKETS),
        sqlite_where=sa.text(OPEN_TICKETS),
    )
    op.drop_index("ix_tickets_department_status", table_name="tickets")
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
    op.drop_index("ix_tickets_chat_reported", table_name="tickets")
    op.drop_index("ix_tickets_acknowledged_at", table_name="tickets")
    op.drop_index("ix_tickets_ack_due_at", table_name="tickets")

    op.drop_table("tickets")
    op.drop_index("ix_pending_reports_settle", table_name="pending_reports")
    op.drop_index("ix_pending_reports_open", table_name="pending_reports")
    op.drop_index("ix_pending_reports_fetch", table_name="pending_reports")
    op.drop_index("ix_pending_reports_expiry", table_name="pending_reports")
    op.drop_index("ix_pending_reports_album", table_name="pending_reports")

    op.drop_table("pending_reports")
    op.drop_index("ix_outbox_chat_message", table_name="outbox")
    op.drop_index("ix_outbox_status_chat_id", table_name="outbox")

    op.drop_table("outbox")
    op.drop_index("ix_message_refs_chat_message", table_name="message_refs")

    op.drop_table("message_refs")
    op.drop_table("job_runs")
    op.drop_index("ix_inbox_chat_message", table_name="inbox")
    op.drop_index("ix_inbox_status_id", table_name="inbox")

    op.drop_table("inbox")
    op.drop_table("counters")
    op.drop_table("chat_lanes")
    op.drop_index(op.f("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs"))

    op.drop_table("apscheduler_jobs")
