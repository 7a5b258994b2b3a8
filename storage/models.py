"""Database tables. The Alembic migrations create exactly these (a test checks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from domain.status import OPEN_STATUSES
from storage.types import AddressText, BigId, Instant, JsonDoc, LaneText, MessageIdText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OPEN_TICKETS_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES)))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Counter(Base):
    """Named sequences, such as the human ticket number of this deployment."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    category_id: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[str | None] = mapped_column(String(64))
    reporter_id: Mapped[str | None] = mapped_column(AddressText)
    reporter_name: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(AddressText)
    message_id: Mapped[str | None] = mapped_column(MessageIdText)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    # The geohash cell as an integer (45 bits, precision 9): a prefix becomes a range scan.
    cell: Mapped[int | None] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    has_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    forwarded_from: Mapped[str] = mapped_column(String(256), default="")
    assignee_id: Mapped[str | None] = mapped_column(AddressText)
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    reported_at: Mapped[datetime] = mapped_column(Instant)
    assigned_at: Mapped[datetime | None] = mapped_column(Instant)
    acknowledged_at: Mapped[datetime | None] = mapped_column(Instant)
    resolved_at: Mapped[datetime | None] = mapped_column(Instant)
    closed_at: Mapped[datetime | None] = mapped_column(Instant)
    # Deadlines from the category at report time; overdue queries compare against these.
    ack_due_at: Mapped[datetime | None] = mapped_column(Instant)
    resolve_due_at: Mapped[datetime | None] = mapped_column(Instant)
    close_reason: Mapped[str] = mapped_column(String(32), default="")
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    reporter_count: Mapped[int] = mapped_column(Integer, default=1)
    rating: Mapped[str | None] = mapped_column(String(32))
    rated_at: Mapped[datetime | None] = mapped_column(Instant)
    ack_escalation: Mapped[int] = mapped_column(Integer, default=0)
    resolve_reminder: Mapped[int] = mapped_column(Integer, default=0)
    # When the workflow job should next look at this ticket (an escalation, a reminder,
    # closing an unanswered verification); NULL while nothing is scheduled.
    next_check_at: Mapped[datetime | None] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_tickets_open_nearby", "category_id", "cell",
              postgresql_where=text(OPEN_TICKETS_SQL), sqlite_where=text(OPEN_TICKETS_SQL)),
        Index("ix_tickets_department_status", "department_id", "status"),
        Index("ix_tickets_reported_at", "reported_at"),
        Index("ix_tickets_resolved_at", "resolved_at"),
        Index("ix_tickets_acknowledged_at", "acknowledged_at"),
        Index("ix_tickets_chat_reported", "chat_id", "reported_at"),
        Index("ix_tickets_status_resolve_due", "status", "resolve_due_at"),
        Index("ix_tickets_next_check_at", "next_check_at"),
        # The digest selects by these instants: its response and satisfaction rates, and
        # which tickets were still open at the end of a past period.
        Index("ix_tickets_ack_due_at", "ack_due_at"),
        Index("ix_tickets_rated_at", "rated_at"),
        Index("ix_tickets_closed_at", "closed_at"),
        # How many tickets a reporter opened lately (the per-reporter limit).
        Index("ix_tickets_reporter_reported", "reporter_id", "reported_at"),
    )


class TicketEventRow(Base):
    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(Instant)
    actor_id: Mapped[str | None] = mapped_column(AddressText)
    actor_name: Mapped[str] = mapped_column(String(128))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)

    __table_args__ = (
        UniqueConstraint("ticket_id", "seq"),
        Index("ix_ticket_events_at", "at"),
    )


class PhotoRow(Base):
    """A photo of a ticket; stored content-addressed once downloaded, retried until it is."""

    __tablename__ = "ticket_photos"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="before")
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(Instant)
    added_by: Mapped[str | None] = mapped_column(AddressText)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(Instant)
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("ticket_id", "file_unique_id"),
        Index("ix_ticket_photos_pending", "sha256", "next_attempt_at"),
    )


class FollowerRow(Base):
    """Someone who reported this problem (first or later) and hears about its progress."""

    __tablename__ = "ticket_followers"
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(AddressText, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(AddressText)
    message_id: Mapped[str | None] = mapped_column(MessageIdText)
    joined_at: Mapped[datetime] = mapped_column(Instant)


class PendingReportRow(Base):
    """A report still being put together from several messages (usually it waits for the
    location), kept until it is filed or its window closes."""

    __tablename__ = "pending_reports"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chat_id: Mapped[str] = mapped_column(AddressText)
    chat_kind: Mapped[str] = mapped_column(String(16), default="group")
    user_id: Mapped[str] = mapped_column(AddressText)
    user_name: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    # open → filed | expiring → expired | outside | superseded | held → filed | dismissed;
    # a wish for a location that is not a report (the nearest stations): stations →
    # stations_done
    status: Mapped[str] = mapped_column(String(16), default="open")
    media_group_id: Mapped[str | None] = mapped_column(String(64))
    first_message_id: Mapped[str | None] = mapped_column(MessageIdText)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    asked: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_number: Mapped[int | None] = mapped_column(Integer)
    # While an album is arriving, more of its photos may follow until this moment.
    settle_at: Mapped[datetime | None] = mapped_column(Instant)
    # A photo sent as a file must be downloaded before we know it is an image and where it
    # was taken; a worker fetches it from this moment on.
    fetch_file_id: Mapped[str | None] = mapped_column(String(256))
    fetch_after: Mapped[datetime | None] = mapped_column(Instant)
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Held for the admins (its reporter was over the limit): when it would have been filed.
    held_at: Mapped[datetime | None] = mapped_column(Instant)
    # The admins' list message it is shown on ("holds:<n>").
    hold_list: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_pending_reports_open", "chat_id", "user_id", "status"),
        Index("ix_pending_reports_expiry", "status", "expires_at"),
        Index("ix_pending_reports_settle", "status", "settle_at"),
        Index("ix_pending_reports_fetch", "status", "fetch_after"),
        Index("ix_pending_reports_album", "chat_id", "media_group_id"),
        Index("ix_pending_reports_held", "status", "held_at"),
    )


class InboxRow(Base):
    """Every inbound update, stored before it is confirmed to the platform."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    update_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    message_id: Mapped[str | None] = mapped_column(MessageIdText)
    # Unique per platform event (chat + message, callback id…): a resent update is ignored.
    dedup_key: Mapped[str] = mapped_column(String(255), unique=True)
    chat_id: Mapped[str | None] = mapped_column(AddressText)
    # Updates of one lane are handled in order: one sender in one chat (see IncomingUpdate).
    lane: Mapped[str | None] = mapped_column(LaneText)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    received_at: Mapped[datetime] = mapped_column(Instant)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(Instant)
    processed_at: Mapped[datetime | None] = mapped_column(Instant)
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_inbox_status_id", "status", "id"),
        Index("ix_inbox_chat_message", "chat_id", "message_id"),
        # The first pending update of a lane: one probe per claim candidate.
        Index("ix_inbox_lane_status_id", "lane", "status", "id"),
    )


class OutboxRow(Base):
    """Every outgoing message, written in the transaction of the change that causes it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    chat_id: Mapped[str] = mapped_column(AddressText)
    kind: Mapped[str] = mapped_column(String(24))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(Instant)
    not_before: Mapped[datetime | None] = mapped_column(Instant)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(Instant)
    sent_at: Mapped[datetime | None] = mapped_column(Instant)
    message_id: Mapped[str | None] = mapped_column(MessageIdText)
    # A name under which the sent message id is remembered (e.g. a ticket's card).
    ref: Mapped[str | None] = mapped_column(String(255))
    # Short status lines may be merged into one message when a group's budget is spent.
    merge_line: Mapped[str | None] = mapped_column(Text)
    # The highest message id known in the chat when this was sent: after a crash in mid-send,
    # the ids above it are where the message would be if it arrived.
    floor_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A status line merged into another message: the id of the outbox row that carries it.
    merged_into: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_outbox_status_chat_id", "status", "chat_id", "id"),
        Index("ix_outbox_chat_message", "chat_id", "message_id"),
    )


class MessageRefRow(Base):
    """Where a named bot message landed (a ticket's card, its announcement…)."""

    __tablename__ = "message_refs"
    ref: Mapped[str] = mapped_column(String(255), primary_key=True)
    chat_id: Mapped[str] = mapped_column(AddressText)
    message_id: Mapped[str] = mapped_column(MessageIdText)
    ticket_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(Instant)

    __table_args__ = (Index("ix_message_refs_chat_message", "chat_id", "message_id"),)


class ChatLaneRow(Base):
    """Shared send pacing per chat, so several workers together keep the platform's limits."""

    __tablename__ = "chat_lanes"
    chat_id: Mapped[str] = mapped_column(AddressText, primary_key=True)
    next_send_at: Mapped[float] = mapped_column(Float, default=0.0)
    window_start: Mapped[float] = mapped_column(Float, default=0.0)
    window_count: Mapped[int] = mapped_column(Integer, default=0)


class UserRow(Base):
    __tablename__ = "users"
    user_id: Mapped[str] = mapped_column(AddressText, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    private_chat: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(Instant)


class JobRunRow(Base):
    """A scheduled run that must happen once (a day's digest): the first to insert wins."""

    __tablename__ = "job_runs"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(Instant)


class SchedulerJobRow(Base):
    """APScheduler's job store table, created by our migrations rather than at run time."""

    __tablename__ = "apscheduler_jobs"
    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)


# -- the web console -----------------------------------------------------------------------
# A person is known by their address ("telegram:123", "wecom:zhangsan"), compared for equality
# only.


class WebLinkRow(Base):
    """A one-time sign-in link sent to a person in a private chat; only its hash is kept."""

    __tablename__ = "web_links"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(128))
    person_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    # Where the link leads once used (a ticket's page), or "" for the console's home.
    next_path: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)
    used_at: Mapped[datetime | None] = mapped_column(Instant)

    __table_args__ = (Index("ix_web_links_person_created", "person_id", "created_at"),)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds a random id, the table only its hash."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(128))
    person_name: Mapped[str] = mapped_column(String(128), default="")
    language: Mapped[str] = mapped_column(String(8), default="")
    # The token every form of this session carries (checked on each POST).
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)

    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)


class WeChatTokenRow(Base):
    """The service account's access token, shared by every process (`cgi-bin/stable_token`
    hands out one per account; a process refreshing on its own would cut the others off)."""

    __tablename__ = "wechat_tokens"
    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(Instant)


class WeChatBudgetRow(Base):
    """A follower's open customer-service grants (`bot.wechat.budget.Budget` as JSON): what
    the account may still send them before template messages take over."""

    __tablename__ = "wechat_budgets"
    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    grants: Mapped[list[Any]] = mapped_column(JsonDoc)
    updated_at: Mapped[datetime] = mapped_column(Instant)


class WeChatPositionRow(Base):
    """A follower's latest LOCATION event (WGS-84): the place of a photo sent alone soon after."""

    __tablename__ = "wechat_positions"
    openid: Mapped[str] = mapped_column(String(128), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    precision_m: Mapped[float | None] = mapped_column(Float)
    reported_at: Mapped[datetime] = mapped_column(Instant)
