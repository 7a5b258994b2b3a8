"""The inbox: updates are stored before they are confirmed, then processed exactly once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxRow
from storage.repositories._numbered import numbered_above
from storage.repositories._upsert import insert_ignoring_conflicts


@dataclass(frozen=True)
class IncomingUpdate:
    """An update as it is stored. Updates of one lane are handled one at a time, in the order
    they arrived; different lanes proceed in parallel. The lane is the chat unless the
    platform names who sent the update (`lane_of`): one rider's photo and location stay in
    order, while a storm of riders in one group is not handled one rider at a time."""

    update_id: int
    dedup_key: str
    chat_id: str | None
    payload: dict[str, Any]
    message_id: str | None = None
    lane: str | None = None


def lane_of(chat_id: str | None, sender: object | None) -> str | None:
    """One sender's updates in one chat. What one person does in a chat depends on what they
    did before there (a photo, then its location; a press, then the next), never on another
    person's update still waiting: what they answer, the bot has already written."""
    if chat_id is None or sender is None or sender == chat_id:
        return chat_id  # a person's own chat is their lane already
    return f"{chat_id}/{sender}"


class InboxRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # An update to handle was stored (the processor is woken after the commit).
        self.added = False

    async def add(self, updates: list[IncomingUpdate], now: datetime) -> int:
        """Store updates; ones already stored (same update or same message) are ignored."""
        if not updates:
            return 0
        found = await self.session.execute(_add(self.dialect), [
            {"update_id": u.update_id, "dedup_key": u.dedup_key, "chat_id": u.chat_id,
             "message_id": u.message_id, "lane": u.lane or u.chat_id,
             "payload": u.payload, "received_at": now, "status": "pending", "attempts": 0,
             "last_error": ""}
            for u in updates
        ])
        added = len(found.all())
        self.added = self.added or added > 0
        return added

    async def claim_next(self, now: datetime) -> InboxRow | None:
        """The oldest pending update of some lane whose earlier updates are all done.

        Updates of one lane are handled in order; different lanes proceed in parallel, each
        worker skipping rows another worker holds.
        """
        conditions = _next_conditions(InboxRow.__table__, now)
        query = select(InboxRow).where(*conditions).order_by(InboxRow.id).limit(1)
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=InboxRow)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def take_next(self, now: datetime, done_at: datetime) -> Any | None:
        """`claim_next` and `mark_done` in one statement: the update is marked done as it is
        claimed, inside the caller's transaction. If handling it fails, the transaction rolls
        back and the update is pending again, as if never claimed. Returns the row's id,
        update_id and payload, or None."""
        statement = _take_next(self.dialect)
        return (await self.session.execute(statement, {"now": now, "done_at": done_at})).first()

    async def peek_pending(self, limit: int) -> list[InboxRow]:
        query = (select(InboxRow).where(InboxRow.status == "pending")
                 .order_by(InboxRow.id).limit(limit))
        return list((await self.session.execute(query)).scalars())

    async def mark_done(self, row_id: int, now: datetime) -> None:
        await self.session.execute(
            update(InboxRow).where(InboxRow.id == row_id)
            .values(status="done", processed_at=now, attempts=InboxRow.attempts + 1)
        )

    async def mark_retry(self, row_id: int, error: str, retry_at: datetime) -> int:
        await self.session.execute(
            update(InboxRow).where(InboxRow.id == row_id)
            .values(attempts=InboxRow.attempts + 1, last_error=error[:2000],
                    claimed_until=retry_at)
        )
        row = await self.session.get(InboxRow, row_id)
        return row.attempts if row else 0

    async def mark_failed(self, row_id: int, error: str, now: datetime) -> None:
        await self.session.execute(
            update(InboxRow).where(InboxRow.id == row_id)
            .values(status="failed", last_error=error[:2000], processed_at=now)
        )

    async def message_ids_above(self, chat_id: str, floor: int) -> set[int]:
        return await numbered_above(self.session, InboxRow, chat_id, floor)

    async def counts(self) -> dict[str, int]:
        rows = await self.session.execute(
            select(InboxRow.status, func.count()).group_by(InboxRow.status)
        )
        return {status: int(count) for status, count in rows.all()}

    async def pending_exists(self) -> bool:
        found = await self.session.execute(
            select(InboxRow.id).where(and_(InboxRow.status == "pending")).limit(1)
        )
        return found.first() is not None

    async def waiting_since(self, since: datetime) -> int:
        """Updates still waiting, or received after `since` (after an outage: what waited)."""
        found = await self.session.execute(
            select(func.count(InboxRow.id)).where(
                or_(InboxRow.status == "pending", InboxRow.received_at >= since))
        )
        return int(found.scalar_one())


def _next_conditions(table: Any, now: Any) -> list[Any]:
    """Pending updates that come first in their lane (updates of no lane wait for none).

    Each candidate asks for the first pending update of its lane: one probe of
    `ix_inbox_lane_status_id`, so a claim costs the same with ten updates waiting or ten
    thousand. (Grouping every pending update by lane cost a read of each at every claim; a
    NOT EXISTS was planned as a join that read them all too.) An aggregate subquery is run as
    it is written, a probe per candidate, whatever the table's statistics say."""
    earlier = table.alias("earlier")
    first_of_lane = (select(func.min(earlier.c.id))
                     .where(earlier.c.lane == table.c.lane, earlier.c.status == "pending")
                     .scalar_subquery())
    # A row another worker has just handled is checked again by PostgreSQL on its new
    # version: its status is no longer pending, and it is not taken twice.
    return [table.c.status == "pending",
            or_(table.c.lane.is_(None), table.c.id == first_of_lane),
            or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now)]


@functools.cache
def _add(dialect: str) -> Any:
    """Built once per dialect and run with a list of rows: the rows that were new come back
    (a row built with its values in it was compiled anew for every batch)."""
    table = InboxRow.__table__
    return (insert_ignoring_conflicts(dialect, table).on_conflict_do_nothing()
            .returning(table.c.id))


@functools.cache
def _take_next(dialect: str) -> Any:
    """Built once per dialect: it runs for every update, and building it costs more than
    running it."""
    # Columns of the table, not of the mapped class: one ORM attribute anywhere in it would
    # send the whole UPDATE through the ORM's bulk path, which costs more than the database.
    table = InboxRow.__table__
    chosen = select(table.c.id).where(*_next_conditions(table, bindparam("now"))).order_by(
        table.c.id).limit(1)
    if dialect == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    return (
        update(table)
        .where(table.c.id == chosen.scalar_subquery(), table.c.status == "pending")
        .values(status="done", processed_at=bindparam("done_at"),
                attempts=table.c.attempts + 1)
        .returning(table.c.id, table.c.update_id, table.c.payload)
    )
