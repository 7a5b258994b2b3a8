"""The web console's read side: tickets for the map, the list, the public pages and Open311.

Queries read columns, never a ticket's event log; callers give a `TicketFilter`, and each
condition given must hold. The one write marks a photo uploaded through the web as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.status import AWAITING_ACK, OPEN_STATUSES, Status
from storage.models import PhotoRow, TicketEventRow, TicketRow
from storage.repositories.console_filter import SORTS, BoundingBox, TicketFilter

__all__ = ["SORTS", "BoundingBox", "Cluster", "ConsoleQueries", "PhotoFile", "TicketFilter",
           "TicketSummary"]

_OPEN = sorted(s.value for s in OPEN_STATUSES)
_WAITING = sorted(s.value for s in (*AWAITING_ACK, Status.REOPENED))


@dataclass(frozen=True)
class TicketSummary:
    """The columns pages and the API show; the caller decides which of them a reader sees."""

    number: int
    status: str
    category_id: str
    department_id: str | None
    lat: float | None
    lon: float | None
    address: str
    description: str
    reporter_name: str
    assignee_name: str | None
    has_photo: bool
    reported_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    ack_due_at: datetime | None
    resolve_due_at: datetime | None
    duplicate_of: int | None
    reporter_count: int


_SUMMARY_COLUMNS = [getattr(TicketRow, f.name) for f in fields(TicketSummary)]


@dataclass(frozen=True)
class Cluster:
    """Tickets sharing a grid cell: their count, centre and, for one ticket, which."""

    cell: int
    count: int
    lat: float
    lon: float
    number: int
    status: str
    mixed: bool
    overdue: int


@dataclass(frozen=True)
class PhotoFile:
    id: int
    kind: str
    sha256: str | None


class ConsoleQueries:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def _rows(self, query: Any) -> Any:
        """Plain rows through the session's connection: these reads build no ORM objects,
        which for a thousand rows is most of the time taken."""
        connection = await self.session.connection()
        return await connection.execute(query)

    # -- map ------------------------------------------------------------------------------

    async def count(self, wanted: TicketFilter, cap: int) -> int:
        """How many tickets match, counting no further than `cap`."""
        inner = select(literal(1)).where(*self.conditions(wanted)).limit(cap).subquery()
        return int((await self._rows(select(func.count()).select_from(inner))).scalar_one())

    async def points(self, wanted: TicketFilter, limit: int) -> list[TicketSummary]:
        query = (select(*_SUMMARY_COLUMNS).where(*self.conditions(wanted), _located())
                 .order_by(TicketRow.number).limit(limit))
        return [TicketSummary(*row) for row in await self._rows(query)]

    async def clusters(self, wanted: TicketFilter, shift: int) -> list[Cluster]:
        """Tickets grouped by their geohash cell shortened by `shift` bits."""
        # The shift is written into the statement: PostgreSQL has no bigint >> bigint.
        cell = TicketRow.cell.op(">>")(literal_column(str(int(shift)))).label("cell")
        overdue = func.sum(case((self.overdue_at(wanted.now), 1), else_=0))
        query = (
            select(cell, func.count(), func.avg(TicketRow.lat), func.avg(TicketRow.lon),
                   func.min(TicketRow.number), func.min(TicketRow.status),
                   func.max(TicketRow.status), overdue)
            .where(*self.conditions(wanted), _located())
            .group_by(cell)
        )
        return [Cluster(int(c), int(n), float(lat), float(lon), int(number), low, low != high,
                        int(late or 0))
                for c, n, lat, lon, number, low, high, late in await self._rows(query)]

    # -- list -----------------------------------------------------------------------------

    async def page(self, wanted: TicketFilter, sort: str, *, offset: int,
                   limit: int) -> list[TicketSummary]:
        column, descending = SORTS[sort]
        order = getattr(TicketRow, column)
        query = (select(*_SUMMARY_COLUMNS).where(*self.conditions(wanted))
                 .order_by(order.desc() if descending else order.asc(),
                           TicketRow.number.desc() if descending else TicketRow.number.asc())
                 .offset(offset).limit(limit))
        return [TicketSummary(*row) for row in await self._rows(query)]

    async def summary(self, number: int) -> TicketSummary | None:
        row = (await self._rows(
            select(*_SUMMARY_COLUMNS).where(TicketRow.number == number))).first()
        return None if row is None else TicketSummary(*row)

    async def summaries(self, numbers: list[int]) -> list[TicketSummary]:
        rows = await self._rows(
            select(*_SUMMARY_COLUMNS).where(TicketRow.number.in_(numbers))
            .order_by(TicketRow.number))
        return [TicketSummary(*row) for row in rows]

    # -- photos ---------------------------------------------------------------------------

    async def photos(self, number: int) -> list[PhotoFile]:
        rows = await self.session.execute(
            select(PhotoRow.id, PhotoRow.kind, PhotoRow.sha256)
            .join(TicketRow, TicketRow.id == PhotoRow.ticket_id)
            .where(TicketRow.number == number).order_by(PhotoRow.id))
        return [PhotoFile(int(i), kind, sha) for i, kind, sha in rows]

    async def mark_photo_stored(self, number: int, file_unique_id: str, sha256: str,
                                size: int) -> None:
        """A photo uploaded through the web is in the media store already: nothing to fetch."""
        ticket_id = select(TicketRow.id).where(TicketRow.number == number).scalar_subquery()
        rows = await self.session.execute(
            select(PhotoRow).where(PhotoRow.ticket_id == ticket_id,
                                   PhotoRow.file_unique_id == file_unique_id))
        for photo in rows.scalars():
            photo.sha256, photo.size, photo.next_attempt_at = sha256, size, None

    async def event_count(self, number: int) -> int:
        return int((await self.session.execute(
            select(func.count()).select_from(TicketEventRow)
            .join(TicketRow, TicketRow.id == TicketEventRow.ticket_id)
            .where(TicketRow.number == number))).scalar_one())

    # -- conditions -----------------------------------------------------------------------

    def conditions(self, wanted: TicketFilter) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if wanted.statuses is not None:
            found.append(TicketRow.status.in_(sorted(wanted.statuses)))
        if wanted.department_ids is not None:
            found.append(TicketRow.department_id.in_(wanted.department_ids))
        if wanted.category_ids is not None:
            found.append(TicketRow.category_id.in_(wanted.category_ids))
        if wanted.reported_from is not None:
            found.append(TicketRow.reported_at >= wanted.reported_from)
        if wanted.reported_to is not None:
            found.append(TicketRow.reported_at < wanted.reported_to)
        if wanted.overdue:
            found.append(self.overdue_at(wanted.now))
        if wanted.number is not None:
            found.append(TicketRow.number == wanted.number)
        if wanted.text:
            pattern = "%" + _escaped(wanted.text) + "%"
            found.append(or_(TicketRow.address.like(pattern, escape="\\"),
                             TicketRow.description.like(pattern, escape="\\")))
        if wanted.box is not None:
            box = wanted.box
            found += [TicketRow.lat >= box.south, TicketRow.lat <= box.north,
                      TicketRow.lon >= box.west, TicketRow.lon <= box.east]
        return found

    @staticmethod
    def overdue_at(now: datetime) -> ColumnElement[bool]:
        """Open and past a deadline: acknowledgement while awaited, or resolution."""
        return and_(TicketRow.status.in_(_OPEN), or_(
            and_(TicketRow.status.in_(_WAITING), TicketRow.ack_due_at < now),
            TicketRow.resolve_due_at < now))


def _located() -> ColumnElement[bool]:
    return TicketRow.cell.is_not(None)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
