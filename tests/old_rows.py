"""A database as the bot left it before addresses (revision 0003): Telegram integers everywhere.

The rows are what that version wrote: a ticket made by the domain model and projected the way
storage does it, its events, follower and remembered messages, outbox rows (sent and pending),
a report still waiting for its location, known users, a handled update and a web session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import command

from domain.ticket import Actor, GeoPoint, Ticket
from handlers.intake.pending_report import PendingReport, Reporter, TextPart
from messaging.outbound import EditText, SendText, Target, to_payload
from storage.db import sync_url
from storage.migrate import alembic_config
from storage.models import TicketRow
from storage.repositories.tickets import _project
from storage.types import Instant, JsonDoc


@dataclass(frozen=True)
class OldChat:
    """The Telegram ids the old rows use (they match the sample configuration)."""

    group: int
    roads_chat: int
    rider: int
    rider_2: int
    staff: int
    report_message: int
    card_message: int
    announcement_message: int
    waiting_text_message: int


def build_at_0003(url: str, ids: OldChat, now: datetime) -> None:
    """Migrate an empty database to 0003 and fill it as that version would have."""
    command.upgrade(alembic_config(url), "0003")
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as connection:
            _fill(connection, ids, now)
    finally:
        engine.dispose()


def _fill(connection: sa.Connection, ids: OldChat, now: datetime) -> None:
    reported = now - timedelta(minutes=20)
    ticket = Ticket.report(number=1, reporter=Actor(ids.rider, "小李"),  # type: ignore[arg-type]
                           chat_id=ids.group, message_id=ids.report_message,  # type: ignore[arg-type]
                           location=GeoPoint(39.9215, 116.4712, 8.0),
                           description="路面鼓包", category_id="road", now=reported,
                           has_photo=False)
    ticket.assign("roads", reported)
    row = TicketRow(version=len(ticket.events), ack_due_at=reported + timedelta(minutes=30),
                    resolve_due_at=reported + timedelta(hours=24))
    _project(ticket, row)
    values = {}
    for column in TicketRow.__table__.columns:
        value = getattr(row, column.key)
        if value is None and column.default is not None and not callable(column.default.arg):
            value = column.default.arg
        if column.name != "id":
            values[column.name] = value
    _insert(connection, "tickets", id=1, **values)
    for seq, event in enumerate(ticket.events):
        _insert(connection, "ticket_events", ticket_id=1, seq=seq, kind=event.kind, at=event.at,
                actor_id=event.actor.user_id, actor_name=event.actor.name,
                from_status=event.from_status.value if event.from_status else None,
                to_status=event.to_status.value if event.to_status else None,
                note=event.note, data=dict(event.data))
    _insert(connection, "ticket_followers", ticket_id=1, user_id=ids.rider, name="小李",
            chat_id=ids.group, message_id=ids.report_message, joined_at=reported)
    card_ref, announce_ref = "card:1", f"announce:{ids.roads_chat}:1"
    for ref, chat, message in ((card_ref, ids.group, ids.card_message),
                               (announce_ref, ids.roads_chat, ids.announcement_message)):
        _insert(connection, "message_refs", ref=ref, chat_id=chat, message_id=message,
                ticket_number=1, created_at=reported)
        _insert(connection, "outbox", chat_id=chat, kind="send_text",
                payload=to_payload(SendText(chat_id=chat, text="(sent)", ref=ref,  # type: ignore[arg-type]
                                            ticket=1)),
                status="sent", created_at=reported, attempts=1, sent_at=reported,
                message_id=message, ref=ref, floor_message_id=message - 1, last_error="")
    # Written, not yet sent, when the old version stopped.
    line = SendText(chat_id=ids.group, text="#0001 迁移前排队的消息",  # type: ignore[arg-type]
                    reply_to=Target(ids.group, ids.report_message), ticket=1)  # type: ignore[arg-type]
    _insert(connection, "outbox", chat_id=ids.group, kind=line.kind, payload=to_payload(line),
            status="pending", created_at=now, attempts=0, last_error="")
    edit = EditText(target=Target(ids.roads_chat, ref=announce_ref),  # type: ignore[arg-type]
                    text="#0001 路面鼓包（迁移前排队的修改）")
    _insert(connection, "outbox", chat_id=ids.roads_chat, kind=edit.kind,
            payload=to_payload(edit), status="pending", created_at=now, attempts=0,
            last_error="")
    _insert(connection, "chat_lanes", chat_id=0, next_send_at=0.0, window_start=0.0,
            window_count=0)
    _insert(connection, "chat_lanes", chat_id=ids.group, next_send_at=0.0, window_start=0.0,
            window_count=0)
    # A report waiting for its location.
    waiting = PendingReport(Reporter(ids.rider_2, "老王"),  # type: ignore[arg-type]
                            texts=[TextPart(ids.waiting_text_message, "井盖松动",  # type: ignore[arg-type]
                                            True)])
    _insert(connection, "pending_reports", chat_id=ids.group, chat_kind="supergroup",
            user_id=ids.rider_2, user_name="老王", started_at=now - timedelta(minutes=1),
            expires_at=now + timedelta(minutes=9), status="open",
            first_message_id=ids.waiting_text_message, data=waiting.to_json(), asked=True,
            fetch_attempts=0)
    for user_id, name in ((ids.rider, "小李"), (ids.rider_2, "老王"), (ids.staff, "张师傅")):
        _insert(connection, "users", user_id=user_id, first_name=name, last_name="",
                username="", language="zh", private_chat=False, updated_at=reported)
    _insert(connection, "inbox", update_id=1, message_id=ids.report_message,
            dedup_key=f"m:{ids.group}:{ids.report_message}", chat_id=ids.group,
            payload={"platform": "telegram", "update": {"update_id": 1}}, received_at=reported,
            status="done", attempts=1, processed_at=reported, last_error="")
    _insert(connection, "job_runs", key=f"digest:{now.date().isoformat()}:{ids.group}",
            started_at=now - timedelta(hours=3))
    _insert(connection, "web_sessions", id_hash="h" * 64, person_id=str(ids.staff),
            person_name="张师傅", language="zh", csrf_token="c" * 32, created_at=reported,
            expires_at=now + timedelta(hours=12))


def _insert(connection: sa.Connection, table: str, **values: Any) -> None:
    columns = [sa.column(name, _type(value)) for name, value in values.items()]
    connection.execute(sa.insert(sa.table(table, *columns)).values(**values))


def _type(value: Any) -> Any:
    if isinstance(value, datetime):
        return Instant()
    if isinstance(value, dict | list):
        return JsonDoc
    return None


def column_values(url: str, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    """Some columns of every row, in a stable order, for comparing before and after."""
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            found = connection.execute(sa.text(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {columns[0]}"))
            return [tuple(row) for row in found.all()]
    finally:
        engine.dispose()
