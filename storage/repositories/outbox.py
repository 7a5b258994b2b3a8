"""The outbox: messages wait here until the sender has delivered them."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from messaging.outbound import Outgoing, to_payload
from storage.models import ChatLaneRow, InboxRow, OutboxRow
from storage.repositories._numbered import numbered, numbered_above
from storage.repositories._one_of import one_of

ACTIVE = ("pending", "sending")
# Rows of no chat (button answers): sent in any order.
UNORDERED = ""


class OutboxRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # A message to deliver was written (the sender is woken after the commit).
        self.wrote = False
        self._added: list[dict[str, Any]] = []

    def add(self, message: Outgoing, now: datetime, *, not_before: datetime | None = None) -> None:
        """Queue a message. The messages a unit of work adds are written together, in the
        order added, by one statement (`write_added`) before it commits or reads the outbox."""
        self.wrote = True
        self._added.append({
            "chat_id": message.chat_id, "kind": message.kind, "payload": to_payload(message),
            "status": "pending", "created_at": now, "not_before": not_before, "attempts": 0,
            "ref": getattr(message, "ref", None),
            "merge_line": getattr(message, "merge_line", None), "last_error": "",
            "sent_at": None, "message_id": None,
        })

    @property
    def queued(self) -> bool:
        return bool(self._added)

    async def write_added(self) -> None:
        if self._added:
            rows, self._added = self._added, []
            # No flush of other pending changes first: the outbox depends on none of them.
            with self.session.no_autoflush:
                await self.session.execute(insert(OutboxRow.__table__), rows)

    def write_added_now(self, session: Any) -> None:
        """`write_added` from inside the session's own (synchronous) execution of a query."""
        if self._added:
            rows, self._added = self._added, []
            with session.no_autoflush:
                session.execute(insert(OutboxRow.__table__), rows)

    def add_sent(self, message: Outgoing, message_id: str, now: datetime) -> None:
        """A message delivered without the outbox (the database was away), recorded as sent:
        the chat's known message ids must include it."""
        self._added.append({
            "chat_id": message.chat_id, "kind": message.kind, "payload": to_payload(message),
            "status": "sent", "created_at": now, "not_before": None, "attempts": 1,
            "ref": None, "merge_line": None, "last_error": "", "sent_at": now,
            "message_id": message_id,
        })

    async def supersede_edits(self, chat_id: str, ref: str, now: datetime) -> int:
        """Unsent edits of the message named `ref`: a newer edit makes them pointless, so
        they are skipped (a busy list edited many times is sent once, not many times)."""
        await self.write_added()
        found = await self.session.execute(
            select(OutboxRow.id, OutboxRow.payload)
            .where(OutboxRow.chat_id == chat_id, OutboxRow.kind == "edit_text",
                   OutboxRow.status == "pending", OutboxRow.attempts == 0))
        stale = [row_id for row_id, payload in found.all()
                 if (payload.get("target") or {}).get("ref") == ref]
        if not stale:
            return 0
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(stale), OutboxRow.status == "pending")
            .values(status="skipped", sent_at=now, last_error="superseded by a newer edit")
            .execution_options(synchronize_session=False))
        return max(result.rowcount or 0, 0)

    async def heads(self, now: datetime, limit: int) -> list[OutboxRow]:
        """The first undelivered message of each chat, when it may be (re)tried now.

        A row in "sending" whose lease ran out was interrupted by a crash and is retried.
        """
        await self.write_added()
        found = await self.session.execute(_heads(self.dialect), {"now": now, "limit": limit})
        return list(found.scalars())

    async def heads_and_floors(self, now: datetime, limit: int,
                               kinds: frozenset[str]) -> tuple[list[Head], dict[str, int]]:
        """`heads` as plain values, and for each head of one of `kinds` without a floor yet
        its chat's `highest_known_message_id`, read by the same statement (a sender's round
        needs both, and changes a head only through this repository)."""
        await self.write_added()
        found = await self.session.execute(
            _heads(self.dialect, tuple(sorted(kinds))), {"now": now, "limit": limit})
        heads: list[Head] = []
        floors: dict[str, int] = {}
        for *columns, ours, theirs in found.all():
            head = Head(*columns)
            heads.append(head)
            if head.floor_message_id is None and head.kind in kinds:
                # The higher of the two, as `highest_known_message_id` orders them.
                highest = max((ours or "", theirs or ""), key=lambda i: (len(i), i))
                floors[head.chat_id] = numbered(highest or None) or 0
        return heads, floors

    async def rewrite(self, head: Head, kind: str, payload: dict[str, Any]) -> None:
        """The head becomes another message (lines merged into one), for good: no longer a
        line to merge, and no longer named by its ref."""
        table = OutboxRow.__table__
        await self.session.execute(
            update(table).where(table.c.id == head.id)
            .values(kind=kind, payload=payload, merge_line=None, ref=None))
        head.kind, head.payload, head.merge_line, head.ref = kind, payload, None, None

    async def mergeable_after(self, head: Head, limit: int) -> list[OutboxRow]:
        """Pending status lines that directly follow `head` in its chat."""
        await self.write_added()
        query = (
            select(OutboxRow)
            .where(OutboxRow.chat_id == head.chat_id, OutboxRow.status == "pending",
                   OutboxRow.id > head.id)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxRow)
        run: list[OutboxRow] = []
        for row in (await self.session.execute(query)).scalars():
            if row.merge_line is None:
                break
            run.append(row)
        return run

    async def next_wakeup(self) -> datetime | None:
        """When the earliest waiting message becomes due (for the sender's sleep)."""
        await self.write_added()
        value = await self.session.execute(
            select(func.min(func.coalesce(OutboxRow.not_before, OutboxRow.claimed_until)))
            .where(OutboxRow.status.in_(ACTIVE))
        )
        return value.scalar_one_or_none()

    async def claim(self, row_id: int, lease_until: datetime, *,
                    floor_message_id: int | None) -> None:
        await self.claim_many([(row_id, lease_until, floor_message_id)])

    async def claim_many(self, claims: list[tuple[int, datetime, int | None]]) -> None:
        """(row id, lease until, floor message id) each, in one statement (executemany)."""
        if not claims:
            return
        await self.session.execute(_claim_rows(), [
            {"row_id": row_id, "lease": lease, "floor": floor}
            for row_id, lease, floor in claims])

    async def mark_sent_many(self, sent: list[tuple[int, str | None]], now: datetime) -> None:
        """(row id, platform message id) each, recorded as sent in one statement."""
        if not sent:
            return
        await self.session.execute(_mark_sent_rows(), [
            {"row_id": row_id, "sent_id": message_id, "now": now}
            for row_id, message_id in sent])

    async def mark_sent(self, row_ids: list[int], message_id: str | None, now: datetime,
                        status: str = "sent") -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id.in_(row_ids))
            .values(status=status, sent_at=now, message_id=message_id, claimed_until=None)
        )

    async def mark_retry(self, row_ids: list[int], at: datetime, error: str) -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id.in_(row_ids))
            .values(status="pending", not_before=at, claimed_until=None, last_error=error[:2000])
        )

    async def mark_failed(self, row_ids: list[int], error: str, now: datetime) -> None:
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id.in_(row_ids))
            .values(status="failed", last_error=error[:2000], sent_at=now, claimed_until=None)
        )

    async def absorb(self, row_ids: list[int], *, into: int, now: datetime) -> None:
        """Lines merged into the head message `into`: delivered when it is."""
        if row_ids:
            await self.session.execute(
                update(OutboxRow).where(OutboxRow.id.in_(row_ids))
                .values(status="merged", sent_at=now, claimed_until=None, merged_into=into)
            )

    async def mark_absorbed_sent(self, head_id: int, message_id: str | None) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.merged_into == head_id)
            .values(message_id=message_id)
        )

    async def highest_known_message_id(self, chat_id: str) -> int:
        """The highest message id of the chat we know of: ours, or one people posted.

        Only numbered chats have one (Telegram numbers a chat's messages in order, kept as
        digits); elsewhere this is 0 and a lost message is not looked for."""
        await self.write_added()
        ours = select(OutboxRow.message_id.label("id")).where(OutboxRow.chat_id == chat_id)
        theirs = select(InboxRow.message_id.label("id")).where(InboxRow.chat_id == chat_id)
        both = union_all(ours, theirs).subquery()
        found = await self.session.execute(
            select(both.c.id).where(both.c.id.is_not(None))
            .order_by(func.length(both.c.id).desc(), both.c.id.desc()).limit(1))
        return numbered(found.scalar_one_or_none()) or 0

    async def highest_known_message_ids(self, chat_ids: list[str]) -> dict[str, int]:
        """`highest_known_message_id` of several chats in one statement."""
        await self.write_added()
        if not chat_ids:
            return {}
        found = (await self.session.execute(
            _highest_known(len(chat_ids)),
            {f"chat_{index}": chat_id for index, chat_id in enumerate(chat_ids)})).one()
        return {chat_id: numbered(value) or 0
                for chat_id, value in zip(chat_ids, found, strict=True)}

    async def message_ids_above(self, chat_id: str, floor: int) -> set[int]:
        await self.write_added()
        return await numbered_above(self.session, OutboxRow, chat_id, floor)

    async def get(self, row_id: int) -> OutboxRow | None:
        await self.write_added()
        return await self.session.get(OutboxRow, row_id)

    async def counts(self) -> dict[str, int]:
        await self.write_added()
        rows = await self.session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return {status: int(count) for status, count in rows.all()}

    async def active_exists(self) -> bool:
        await self.write_added()
        found = await self.session.execute(
            select(OutboxRow.id).where(OutboxRow.status.in_(ACTIVE)).limit(1)
        )
        return found.first() is not None

    # -- pacing lanes --------------------------------------------------------------------

    async def lane(self, chat_id: str) -> ChatLaneRow:
        query = select(ChatLaneRow).where(ChatLaneRow.chat_id == chat_id)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        lane = (await self.session.execute(query)).scalar_one_or_none()
        if lane is None:
            from storage.repositories._upsert import insert_ignoring_conflicts

            await self.session.execute(
                insert_ignoring_conflicts(self.dialect, ChatLaneRow)
                .values(chat_id=chat_id, next_send_at=0.0, window_start=0.0, window_count=0)
                .on_conflict_do_nothing()
            )
            lane = (await self.session.execute(query)).scalar_one()
        return lane

    async def lanes(self, chat_ids: list[str]) -> dict[str, Lane]:
        """The pacing lanes of several chats (made when missing), read as plain values in
        one statement when they all exist; `save_lanes` writes back those changed. On
        PostgreSQL they stay locked until the transaction ends."""
        wanted = sorted(set(chat_ids))
        query = _lanes(self.dialect)
        found = {chat_id: Lane(chat_id, at, at) for chat_id, at in
                 (await self.session.execute(query, {"chat_ids": wanted})).all()}
        missing = [chat_id for chat_id in wanted if chat_id not in found]
        if missing:
            from storage.repositories._upsert import insert_ignoring_conflicts

            await self.session.execute(
                insert_ignoring_conflicts(self.dialect, ChatLaneRow.__table__)
                .on_conflict_do_nothing(),
                [{"chat_id": chat_id, "next_send_at": 0.0, "window_start": 0.0,
                  "window_count": 0} for chat_id in missing])
            found |= {chat_id: Lane(chat_id, at, at) for chat_id, at in
                      (await self.session.execute(query, {"chat_ids": missing})).all()}
        return found

    async def save_lanes(self, lanes: Iterable[Lane]) -> None:
        """Write the lanes whose next send moved since they were read, in one statement."""
        lanes = list(lanes)
        moved = [{"lane_id": lane.chat_id, "at": lane.next_send_at} for lane in lanes
                 if lane.next_send_at != lane.read_at]
        if moved:
            await self.session.execute(_save_lanes(), moved)
            for lane in lanes:
                lane.read_at = lane.next_send_at

    async def save_lane(self, lane: ChatLaneRow, **values: Any) -> None:
        for key, value in values.items():
            setattr(lane, key, value)


@functools.cache
def _heads(dialect: str, floors_of: tuple[str, ...] | None = None) -> Any:
    """The query of `heads` (ORM rows), built once per dialect (a sender runs it every
    round). With `floors_of`, the query of `heads_and_floors`: the columns of `Head`, and
    for each head of those kinds without a floor the highest message ids its chat has in
    the outbox and in the inbox (as `highest_known_message_id`)."""
    table = OutboxRow.__table__
    now = bindparam("now")
    # Chat 0 holds what is not a chat message (answers to button presses): no order to
    # keep, so each is a head of its own and one slow answer holds up no other.
    firsts = union_all(
        select(func.min(table.c.id).label("id"))
        .where(one_of(table.c.status, ACTIVE), table.c.chat_id != UNORDERED)
        .group_by(table.c.chat_id),
        select(table.c.id.label("id"))
        .where(one_of(table.c.status, ACTIVE), table.c.chat_id == UNORDERED),
    ).subquery()
    if floors_of is None:
        query = select(OutboxRow)
    else:
        wanted = and_(table.c.floor_message_id.is_(None), one_of(table.c.kind, floors_of))
        # A head that needs no floor costs no look (CASE runs the subquery only when asked).
        query = select(*(table.c[name] for name in _HEAD_COLUMNS),
                       case((wanted, _highest_in(table.alias("ours"))), else_=None),
                       case((wanted, _highest_in(InboxRow.__table__.alias("theirs"))),
                            else_=None))
    # The status is repeated outside the subquery: PostgreSQL re-checks only the outer
    # conditions on a row another worker just committed.
    query = (
        query
        .where(table.c.id.in_(select(firsts.c.id)), one_of(table.c.status, ACTIVE),
               or_(table.c.claimed_until.is_(None), table.c.claimed_until <= now),
               or_(table.c.not_before.is_(None), table.c.not_before <= now))
        .order_by(table.c.id)
        .limit(bindparam("limit"))
    )
    if dialect == "postgresql":
        query = query.with_for_update(skip_locked=True, of=table)
    return query


@dataclass
class Head:
    """The first undelivered message of a chat, as a sender's round reads it: plain values
    (it is changed only through `OutboxRepository`, never flushed)."""

    id: int
    chat_id: str
    kind: str
    payload: dict[str, Any]
    status: str
    attempts: int
    ref: str | None
    merge_line: str | None
    last_error: str
    floor_message_id: int | None


_HEAD_COLUMNS = tuple(Head.__dataclass_fields__)


@dataclass
class Lane:
    """A pacing lane as a sender's round reads and moves it (see `OutboxRepository.lanes`)."""

    chat_id: str
    next_send_at: float
    # As read (or last saved): a lane not moved since is not written.
    read_at: float


@functools.cache
def _lanes(dialect: str) -> Any:
    """The query of `lanes` (bound as a list, chat_ids), built once per dialect."""
    table = ChatLaneRow.__table__
    query = select(table.c.chat_id, table.c.next_send_at).where(
        table.c.chat_id.in_(bindparam("chat_ids", expanding=True)))
    if dialect == "postgresql":
        # Locked in one order, so two senders never wait on each other in a circle.
        query = query.order_by(table.c.chat_id).with_for_update()
    return query


@functools.cache
def _save_lanes() -> Any:
    table = ChatLaneRow.__table__
    return (update(table).where(table.c.chat_id == bindparam("lane_id"))
            .values(next_send_at=bindparam("at")))


@functools.cache
def _claim_rows() -> Any:
    """The executemany of `claim_many`, built once (every round runs it)."""
    table = OutboxRow.__table__
    return (update(table).where(table.c.id == bindparam("row_id"))
            .values(status="sending", claimed_until=bindparam("lease"),
                    attempts=table.c.attempts + 1, floor_message_id=bindparam("floor")))


@functools.cache
def _mark_sent_rows() -> Any:
    """The executemany of `mark_sent_many`, built once (every record of deliveries runs it)."""
    table = OutboxRow.__table__
    return (update(table).where(table.c.id == bindparam("row_id"))
            .values(status="sent", sent_at=bindparam("now"), message_id=bindparam("sent_id"),
                    claimed_until=None))


def _highest_in(table: Any) -> Any:
    """The highest message id of the outer outbox row's chat in `table` (an alias of the
    outbox or of the inbox), in the order of `highest_known_message_id`."""
    column = table.c.message_id
    return (select(column)
            .where(table.c.chat_id == OutboxRow.chat_id, column.is_not(None))
            .order_by(func.length(column).desc(), column.desc()).limit(1)
            .scalar_subquery())


@functools.cache
def _highest_known(chats: int) -> Any:
    """For `chats` chats (bound as chat_0, chat_1…), each one's highest message id, as one
    row; built once per number of chats (a sender's round asks for a few)."""
    columns = []
    for index in range(chats):
        chat_id = bindparam(f"chat_{index}")
        ours = select(OutboxRow.message_id.label("id")).where(OutboxRow.chat_id == chat_id)
        theirs = select(InboxRow.message_id.label("id")).where(InboxRow.chat_id == chat_id)
        both = union_all(ours, theirs).subquery()
        columns.append(
            select(both.c.id).where(both.c.id.is_not(None))
            .order_by(func.length(both.c.id).desc(), both.c.id.desc()).limit(1)
            .scalar_subquery().label(f"c{index}"))
    return select(*columns)
