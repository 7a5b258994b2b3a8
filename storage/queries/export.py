"""The rows of an export: tickets reported in a period, and the event timeline of each.

Rows are streamed from the database in batches, so an export of any size keeps little in
memory. Instants are given in the bot's timezone.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import func, select

from domain.period import Period
from storage.models import TicketEventRow as E
from storage.models import TicketRow as T
from storage.queries.reader import Reader
from storage.queries.tallies import within

TICKET_COLUMNS = (
    "number", "status", "category_id", "department_id", "reporter_id", "reporter_name",
    "chat_id", "message_id", "lat", "lon", "accuracy_m", "address", "description",
    "has_photo", "forwarded_from", "assignee_id", "assignee_name", "reported_at",
    "assigned_at", "acknowledged_at", "resolved_at", "closed_at", "ack_due_at",
    "resolve_due_at", "close_reason", "duplicate_of", "reporter_count", "rating", "rated_at",
    "ack_escalation", "resolve_reminder", "updated_at",
)
EVENT_COLUMNS = ("ticket_number", "seq", "kind", "at", "actor_id", "actor_name",
                 "from_status", "to_status", "note", "data")
BATCH = 2000

Row = tuple[Any, ...]


@dataclass(frozen=True)
class ExportSize:
    tickets: int
    events: int


async def export_size(db: Reader, period: Period) -> ExportSize:
    in_period = within(T.reported_at, period.start, period.end)
    tickets = (await db.execute(select(func.count()).where(in_period))).scalar_one()
    events = (await db.execute(
        select(func.count()).select_from(E).join(T, T.id == E.ticket_id).where(in_period)
    )).scalar_one()
    return ExportSize(int(tickets), int(events))


async def ticket_rows(db: Reader, period: Period, tz: tzinfo) -> AsyncIterator[Row]:
    columns = [getattr(T, name) for name in TICKET_COLUMNS]
    query = (select(*columns).where(within(T.reported_at, period.start, period.end))
             .order_by(T.number))
    async for row in _stream(db, query):
        yield tuple(_local(value, tz) for value in row)


async def event_rows(db: Reader, period: Period, tz: tzinfo) -> AsyncIterator[Row]:
    query = (
        select(T.number, E.seq, E.kind, E.at, E.actor_id, E.actor_name, E.from_status,
               E.to_status, E.note, E.data)
        .join(T, T.id == E.ticket_id)
        .where(within(T.reported_at, period.start, period.end))
        .order_by(T.number, E.seq)
    )
    async for row in _stream(db, query):
        *head, data = row
        yield (*(_local(value, tz) for value in head),
               json.dumps(data or {}, ensure_ascii=False, sort_keys=True))


async def _stream(db: Reader, query: Any) -> AsyncIterator[Row]:
    result = await db.stream(query.execution_options(yield_per=BATCH))
    async for partition in result.partitions():
        for row in partition:
            yield tuple(row)


def _local(value: Any, tz: tzinfo) -> Any:
    return value.astimezone(tz) if isinstance(value, datetime) else value


Progress = Callable[[int], None]
