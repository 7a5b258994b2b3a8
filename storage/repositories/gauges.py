"""Counts for monitoring, read when Prometheus scrapes (a handful of indexed counts), never
kept up to date per update."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.status import AWAITING_ACK, OPEN_STATUSES, Status
from storage.models import InboxRow, OutboxRow, TicketRow
from storage.repositories.outbox import ACTIVE


@dataclass
class Snapshot:
    inbox_backlog: int = 0
    inbox_oldest: datetime | None = None
    inbox_failed: int = 0
    outbox_backlog: int = 0
    outbox_oldest: datetime | None = None
    outbox_failed: int = 0
    tickets: dict[str, int] = field(default_factory=dict)
    overdue: int = 0


class GaugeQueries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def snapshot(self, now: datetime) -> Snapshot:
        """`now` is business time: the tickets' deadlines are in it."""
        found = Snapshot()
        inbox = await self.session.execute(
            select(InboxRow.status, func.count(InboxRow.id), func.min(InboxRow.received_at))
            .where(InboxRow.status.in_(("pending", "failed"))).group_by(InboxRow.status))
        for status, count, oldest in inbox.all():
            if status == "pending":
                found.inbox_backlog, found.inbox_oldest = int(count), oldest
            else:
                found.inbox_failed = int(count)
        outbox = await self.session.execute(
            select(OutboxRow.status, func.count(OutboxRow.id), func.min(OutboxRow.created_at))
            .where(OutboxRow.status.in_((*ACTIVE, "failed"))).group_by(OutboxRow.status))
        oldest: list[datetime] = []
        for status, count, first in outbox.all():
            if status == "failed":
                found.outbox_failed = int(count)
                continue
            found.outbox_backlog += int(count)
            if first is not None:
                oldest.append(first)
        found.outbox_oldest = min(oldest, default=None)
        tickets = await self.session.execute(
            select(TicketRow.status, func.count(TicketRow.id)).group_by(TicketRow.status))
        found.tickets = {str(status): int(count) for status, count in tickets.all()}
        waiting = [s.value for s in (*AWAITING_ACK, Status.REOPENED)]
        overdue = await self.session.execute(
            select(func.count(TicketRow.id)).where(
                TicketRow.status.in_([s.value for s in OPEN_STATUSES]),
                or_(and_(TicketRow.status.in_(waiting), TicketRow.ack_due_at < now),
                    TicketRow.resolve_due_at < now)))
        found.overdue = int(overdue.scalar_one())
        return found
