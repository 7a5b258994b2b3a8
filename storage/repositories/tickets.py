"""Tickets: the row is a projection of the ticket's event log, kept for queries."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.status import AWAITING_ACK, OPEN_STATUSES, Status
from domain.ticket import Actor, Ticket, TicketEvent
from storage.cells import cell_lock_keys, cell_of, cell_ranges
from storage.models import (
    OPEN_TICKETS_SQL,
    Counter,
    FollowerRow,
    PhotoRow,
    TicketEventRow,
    TicketRow,
)
from storage.repositories._upsert import insert_ignoring_conflicts

TICKET_COUNTER = "ticket_number"


class StaleTicket(Exception):
    """The ticket changed under us (another worker saved first)."""


@dataclass(frozen=True)
class Follower:
    user_id: str
    name: str
    chat_id: str
    message_id: str | None


class NearbyTicket(NamedTuple):
    """What a duplicate check reads of an open ticket near a point."""

    number: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Photo:
    id: int
    kind: str
    file_id: str
    file_unique_id: str
    sha256: str | None


@dataclass(frozen=True)
class TicketListing:
    """Which tickets a list shows; every condition given must hold."""

    statuses: frozenset[Status] = OPEN_STATUSES
    department_ids: tuple[str, ...] | None = None
    chat_id: str | None = None
    assignee_id: str | None = None
    follower_id: str | None = None
    # Past a deadline at this instant: acknowledgement (while awaited) or resolution.
    overdue_at: datetime | None = None


class TicketRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # Every ticket this unit of work added or loaded, in that order, with how many of its
        # events were already stored then: what changed since is what the unit of work hands
        # to its before-commit hooks. One copy per ticket, so two loads share their changes.
        self._seen: dict[int, tuple[Ticket, int]] = {}
        # A photo to download was added (the media worker is woken after the commit).
        self.photos_added = False
        # The schedule of each ticket this unit of work inserted, as written: setting the
        # same again writes nothing.
        self._schedules: dict[int, tuple[datetime | None, ...]] = {}

    def touched(self) -> list[tuple[Ticket, int]]:
        """The tickets seen so far, each with the number of events it had in storage when
        first seen (0 for a ticket added here)."""
        return list(self._seen.values())

    async def next_number(self) -> int:
        """The next human ticket number of this deployment (#0001, #0002…)."""
        return await self.next_value(TICKET_COUNTER)

    async def next_value(self, counter: str) -> int:
        # On the table, not the entity: the ORM would flush pending changes first.
        result = await self._write(_next_value(), {"counter": counter})
        value = result.scalar_one_or_none()
        if value is not None:
            return int(value)
        # First use: create the row; a concurrent creator makes us retry the unit of work.
        self.session.add(Counter(name=counter, value=1))
        await self.session.flush()
        return 1

    async def add(self, ticket: Ticket, *, ack_due_at: datetime | None,
                  resolve_due_at: datetime | None,
                  next_check_at: datetime | None = None) -> None:
        """Insert the ticket and its events: two statements. `next_check_at` given here saves
        the schedule's update right after the insert (see `set_schedule`)."""
        schedule = (ack_due_at, resolve_due_at, next_check_at)
        found = await self._write(_insert_ticket(), {
            **_values(ticket), "version": len(ticket.events), "ack_due_at": ack_due_at,
            "resolve_due_at": resolve_due_at, "next_check_at": next_check_at})
        ticket.id = int(found.scalar_one())
        self._schedules[ticket.id] = schedule
        await self._append_events(ticket)
        self._seen.setdefault(ticket.number, (ticket, 0))

    async def get(self, number: int, *, for_update: bool = False) -> Ticket | None:
        query = select(TicketRow).where(TicketRow.number == number)
        if for_update and self.dialect == "postgresql":
            query = query.with_for_update()
        row = (await self.session.execute(query)).scalar_one_or_none()
        if row is None:
            return None
        seen = self._seen.get(number)
        if seen is not None:
            return seen[0]
        ticket = await self._load(row)
        self._seen[number] = (ticket, ticket.stored_events)
        return ticket

    async def row(self, number: int) -> TicketRow | None:
        return (
            await self.session.execute(select(TicketRow).where(TicketRow.number == number))
        ).scalar_one_or_none()

    async def save_touched(self) -> None:
        """Store whatever is left unstored of the tickets seen: a recorded change is never
        dropped by a commit."""
        for ticket, _ in self.touched():
            await self.save(ticket)

    async def save(self, ticket: Ticket) -> None:
        """Write the ticket's new events and refresh its row; refuse a stale copy."""
        if not ticket.new_events:
            return
        # The row's version is the number of stored events: a copy loaded before someone
        # else's change still expects the old count.
        result = await self.session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket.id, TicketRow.version == ticket.stored_events)
            .values(version=len(ticket.events))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleTicket(ticket.number)
        row = await self.session.get(TicketRow, ticket.id)
        assert row is not None
        _project(ticket, row)
        row.version = len(ticket.events)
        await self._append_events(ticket)

    async def set_deadlines(self, ticket: Ticket, *, ack_due_at: datetime | None,
                            resolve_due_at: datetime | None) -> None:
        await self.session.execute(
            update(TicketRow).where(TicketRow.id == ticket.id)
            .values(ack_due_at=ack_due_at, resolve_due_at=resolve_due_at)
        )

    async def find_open_nearby(self, category_id: str, lat: float, lon: float,
                               radius_m: float) -> list[NearbyTicket]:
        """Open tickets of a category whose cell is near the point (callers check distance).

        Each range repeats the category and the partial index's own condition, word for word:
        SQLite uses a partial index only when the query visibly implies its condition, and a
        range per branch lets both databases seek instead of scanning the category.
        """
        ranges = cell_ranges(lat, lon, radius_m)
        values: dict[str, Any] = {"category_id": category_id}
        for index, (low, high) in enumerate(ranges):
            values[f"low_{index}"], values[f"high_{index}"] = low, high
        # Nothing this unit of work holds unwritten changes which tickets are open nearby:
        # no flush (a report's row is written once, at commit, not also here).
        with self.session.no_autoflush:
            found = await self.session.execute(_open_nearby(len(ranges)), values)
        return [NearbyTicket(int(number), row_lat, row_lon)
                for number, row_lat, row_lon in found.all()]

    async def lock_nearby(self, category_id: str, lat: float, lon: float,
                          radius_m: float) -> None:
        """Serialise duplicate checks around a point until the transaction ends.

        Two reports of one problem arriving at once (in two chats, handled by two workers)
        would otherwise both find no open ticket and open two. On PostgreSQL each worker
        takes a transaction lock per covering cell, in one order; SQLite has one writer.
        """
        if self.dialect != "postgresql":
            return
        # One statement for all cells; PostgreSQL evaluates the select list left to right,
        # so every worker still takes the locks in the same (sorted) order.
        keys = sorted(cell_lock_keys(category_id, lat, lon, radius_m))
        if keys:
            await self._write(_lock_keys(len(keys)),
                              {f"key_{index}": key for index, key in enumerate(keys)})

    # -- followers and photos -------------------------------------------------------------

    async def add_follower(self, ticket: Ticket, user_id: str, name: str, chat_id: str,
                           message_id: str | None, now: datetime) -> bool:
        """False when the person already follows the ticket (one statement either way)."""
        result = await self._write(_insert_new(self.dialect, FollowerRow.__table__), {
            "ticket_id": ticket.id, "user_id": user_id, "name": name, "chat_id": chat_id,
            "message_id": message_id, "joined_at": now})
        return (result.rowcount or 0) == 1

    async def followers(self, ticket: Ticket) -> list[Follower]:
        rows = await self.session.execute(
            select(FollowerRow).where(FollowerRow.ticket_id == ticket.id)
            .order_by(FollowerRow.joined_at)
        )
        return [Follower(r.user_id, r.name, r.chat_id, r.message_id) for r in rows.scalars()]

    async def add_photo(self, ticket: Ticket, *, file_id: str, file_unique_id: str, kind: str,
                        now: datetime, added_by: str | None) -> bool:
        """False when the ticket has this photo already (one statement either way)."""
        result = await self._write(_insert_new(self.dialect, PhotoRow.__table__), {
            "ticket_id": ticket.id, "file_id": file_id, "file_unique_id": file_unique_id,
            "kind": kind, "added_at": now, "added_by": added_by, "next_attempt_at": None,
            "attempts": 0, "last_error": ""})
        added = (result.rowcount or 0) == 1
        self.photos_added = self.photos_added or added
        return added

    async def photos(self, ticket: Ticket) -> list[Photo]:
        rows = await self.session.execute(
            select(PhotoRow).where(PhotoRow.ticket_id == ticket.id).order_by(PhotoRow.id)
        )
        return [Photo(r.id, r.kind, r.file_id, r.file_unique_id, r.sha256)
                for r in rows.scalars()]

    async def photos_to_download(self, now: datetime, limit: int = 20) -> list[PhotoRow]:
        query = (
            select(PhotoRow)
            .where(PhotoRow.sha256.is_(None),
                   or_(PhotoRow.next_attempt_at.is_(None), PhotoRow.next_attempt_at <= now))
            .order_by(PhotoRow.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.execute(query)).scalars())

    async def claim_photos(self, now: datetime, lease_until: datetime,
                           limit: int) -> list[tuple[int, str, int]]:
        """Lease up to `limit` photos due for download, in one statement: (id, file id,
        attempts) each. On PostgreSQL, photos another worker holds are skipped."""
        found = await self.session.execute(
            _claim_photos(self.dialect), {"now": now, "lease": lease_until, "limit": limit})
        return sorted((int(i), str(f), int(a)) for i, f, a in found.all())

    async def photos_stored(self, stored: list[tuple[int, str, int | None]]) -> None:
        """Downloaded photos, (id, sha256, size) each, recorded in one statement."""
        if stored:
            await self.session.execute(_photo_stored(), [
                {"row_id": row_id, "digest": digest, "size": size}
                for row_id, digest, size in stored])

    async def reported_by(self, user_id: str, since: datetime) -> list[datetime]:
        """When the person's tickets since `since` were reported (the per-reporter limit)."""
        found = await self.session.execute(
            select(TicketRow.reported_at)
            .where(TicketRow.reporter_id == user_id, TicketRow.reported_at >= since))
        return list(found.scalars())

    async def count(self) -> int:
        return int((await self.session.execute(select(func.count(TicketRow.id)))).scalar_one())

    # -- workflow: schedules and lists ------------------------------------------------------

    async def set_schedule(self, ticket: Ticket, *, ack_due_at: datetime | None,
                           resolve_due_at: datetime | None,
                           next_check_at: datetime | None) -> None:
        """The ticket's deadlines, and when the workflow job should next look at it."""
        schedule = (ack_due_at, resolve_due_at, next_check_at)
        if ticket.id in self._schedules:
            if self._schedules[ticket.id] != schedule:
                await self.session.execute(
                    update(TicketRow.__table__).where(TicketRow.__table__.c.id == ticket.id)
                    .values(ack_due_at=ack_due_at, resolve_due_at=resolve_due_at,
                            next_check_at=next_check_at))
                self._schedules[ticket.id] = schedule
            return
        row = await self.session.get(TicketRow, ticket.id)
        assert row is not None
        row.ack_due_at = ack_due_at
        row.resolve_due_at = resolve_due_at
        row.next_check_at = next_check_at

    async def due_for_check(self, now: datetime, limit: int) -> list[int]:
        """Numbers of tickets with scheduled work due; on PostgreSQL the rows stay locked for
        this transaction and other workers skip them."""
        query = (
            select(TicketRow.number)
            .where(TicketRow.next_check_at <= now)
            .order_by(TicketRow.next_check_at, TicketRow.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [int(n) for n in (await self.session.execute(query)).scalars()]

    async def listing(self, wanted: TicketListing, *, offset: int,
                      limit: int) -> tuple[list[TicketRow], int]:
        """One page of tickets, oldest report first, and how many there are in all."""
        conditions: list[Any] = [TicketRow.status.in_([s.value for s in wanted.statuses])]
        if wanted.department_ids is not None:
            conditions.append(TicketRow.department_id.in_(wanted.department_ids))
        if wanted.chat_id is not None:
            conditions.append(TicketRow.chat_id == wanted.chat_id)
        if wanted.assignee_id is not None:
            conditions.append(TicketRow.assignee_id == wanted.assignee_id)
        if wanted.follower_id is not None:
            conditions.append(TicketRow.id.in_(
                select(FollowerRow.ticket_id).where(FollowerRow.user_id == wanted.follower_id)))
        if wanted.overdue_at is not None:
            waiting = [s.value for s in (*AWAITING_ACK, Status.REOPENED)]
            conditions.append(or_(
                and_(TicketRow.status.in_(waiting), TicketRow.ack_due_at < wanted.overdue_at),
                TicketRow.resolve_due_at < wanted.overdue_at,
            ))
        total = (await self.session.execute(
            select(func.count(TicketRow.id)).where(*conditions))).scalar_one()
        rows = await self.session.execute(
            select(TicketRow).where(*conditions)
            .order_by(TicketRow.reported_at, TicketRow.number).offset(offset).limit(limit)
        )
        return list(rows.scalars()), int(total)

    # -- internals -------------------------------------------------------------------------

    async def _write(self, statement: Any, rows: list[dict[str, Any]] | None = None) -> Any:
        """A write that depends on no unwritten change of the unit of work: run without
        flushing them first, so a row changed in several steps (a report being filed) is
        written once, at commit, instead of at each statement."""
        with self.session.no_autoflush:
            return await self.session.execute(statement, rows)

    async def _load(self, row: TicketRow) -> Ticket:
        events = await self.session.execute(
            select(TicketEventRow).where(TicketEventRow.ticket_id == row.id)
            .order_by(TicketEventRow.seq)
        )
        ticket = Ticket.replay(_event(e) for e in events.scalars())
        ticket.id = row.id
        return ticket

    async def _append_events(self, ticket: Ticket) -> None:
        """The new events in one statement (their ids are never read back)."""
        rows = [
            {"ticket_id": ticket.id, "seq": seq, "kind": event.kind, "at": event.at,
             "actor_id": event.actor.user_id, "actor_name": event.actor.name,
             "from_status": event.from_status.value if event.from_status else None,
             "to_status": event.to_status.value if event.to_status else None,
             "note": event.note, "data": dict(event.data)}
            for seq, event in enumerate(ticket.new_events, start=ticket.stored_events)]
        if rows:
            await self._write(insert(TicketEventRow.__table__), rows)
        ticket.stored_events = len(ticket.events)


@functools.cache
def _open_nearby(ranges: int) -> Any:
    """The query of `find_open_nearby` for `ranges` cell ranges (bound as low_0, high_0…),
    built once per number of ranges: a duplicate check runs it for every report."""
    table = TicketRow.__table__  # Core columns: the rows come back as plain tuples
    is_open = text(OPEN_TICKETS_SQL)
    category = bindparam("category_id")
    branches = [
        and_(table.c.category_id == category, is_open,
             table.c.cell >= bindparam(f"low_{index}"),
             table.c.cell < bindparam(f"high_{index}"))
        for index in range(ranges)
    ]
    return (select(table.c.number, table.c.lat, table.c.lon).where(or_(*branches))
            .order_by(table.c.number).limit(50))


# The statements of filing a report (once per report) and of the media worker, built once
# and given their values when run.


@functools.cache
def _next_value() -> Any:
    table = Counter.__table__
    return (update(table).where(table.c.name == bindparam("counter"))
            .values(value=table.c.value + 1).returning(table.c.value))


@functools.cache
def _insert_ticket() -> Any:
    table = TicketRow.__table__
    return insert(table).returning(table.c.id)


@functools.cache
def _insert_new(dialect: str, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING into `table`."""
    return insert_ignoring_conflicts(dialect, table).on_conflict_do_nothing()


@functools.cache
def _lock_keys(keys: int) -> Any:
    """`keys` advisory locks (bound as key_0, key_1…), taken left to right."""
    return select(*(func.pg_advisory_xact_lock(bindparam(f"key_{index}", type_=BigInteger))
                    for index in range(keys)))


@functools.cache
def _claim_photos(dialect: str) -> Any:
    table = PhotoRow.__table__  # Core columns throughout, as in the inbox's claim
    due = (
        select(table.c.id)
        .where(table.c.sha256.is_(None),
               or_(table.c.next_attempt_at.is_(None),
                   table.c.next_attempt_at <= bindparam("now")))
        .order_by(table.c.id)
        .limit(bindparam("limit"))
    )
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (update(table).where(table.c.id.in_(due))
            .values(next_attempt_at=bindparam("lease"))
            .returning(table.c.id, table.c.file_id, table.c.attempts))


@functools.cache
def _photo_stored() -> Any:
    table = PhotoRow.__table__
    return (update(table).where(table.c.id == bindparam("row_id"))
            .values(sha256=bindparam("digest"), size=bindparam("size"), next_attempt_at=None,
                    last_error="", attempts=table.c.attempts + 1))


def _project(ticket: Ticket, row: TicketRow) -> None:
    for key, value in _values(ticket).items():
        setattr(row, key, value)


def _values(ticket: Ticket) -> dict[str, Any]:
    """The ticket row's columns that follow from the ticket's log."""
    return {
        "number": ticket.number,
        "status": ticket.status.value,
        "category_id": ticket.category_id,
        "department_id": ticket.department_id,
        "reporter_id": ticket.reporter.user_id,
        "reporter_name": ticket.reporter.name,
        "chat_id": ticket.chat_id,
        "message_id": ticket.message_id,
        "lat": ticket.location.lat if ticket.location else None,
        "lon": ticket.location.lon if ticket.location else None,
        "accuracy_m": ticket.location.accuracy_m if ticket.location else None,
        "cell": cell_of(ticket.location.lat, ticket.location.lon) if ticket.location else None,
        "address": ticket.address,
        "description": ticket.description,
        "has_photo": ticket.has_photo,
        "forwarded_from": ticket.forwarded_from,
        "assignee_id": ticket.assignee.user_id if ticket.assignee else None,
        "assignee_name": ticket.assignee.name if ticket.assignee else None,
        "reported_at": ticket.reported_at,
        "assigned_at": ticket.assigned_at,
        "acknowledged_at": ticket.acknowledged_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "close_reason": ticket.close_reason,
        "duplicate_of": ticket.duplicate_of,
        "reporter_count": ticket.reporter_count,
        "rating": ticket.rating.value if ticket.rating else None,
        "rated_at": _last_at(ticket, "rated"),
        "ack_escalation": ticket.ack_escalation,
        "resolve_reminder": ticket.resolve_reminder,
        "updated_at": ticket.last_event_at,
    }


def _last_at(ticket: Ticket, kind: str) -> datetime | None:
    return next((e.at for e in reversed(ticket.events) if e.kind == kind), None)


def _event(row: TicketEventRow) -> TicketEvent:
    from types import MappingProxyType

    return TicketEvent(
        kind=row.kind,
        at=row.at,
        actor=Actor(row.actor_id, row.actor_name),
        from_status=Status(row.from_status) if row.from_status else None,
        to_status=Status(row.to_status) if row.to_status else None,
        note=row.note or "",
        data=MappingProxyType(dict(row.data or {})),
    )
