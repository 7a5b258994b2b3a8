"""Reports still being put together: waiting for a location, for the rest of an album, or
for a file to be read.

Moving a row out of "open" is always a conditional update, so a scheduled job that fires
twice (or on two workers at once) claims each row exactly once.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingReportRow
from storage.repositories._one_of import one_of

# A row may still take new pieces while its expiry is being announced: a location that was
# sent in time but handled late still completes the report.
TAKING_PIECES = ("open", "expiring")
# How far back a person's edits and replies are matched to their reports.
RECENT_ROWS = 50
# Rows that wish for the person's next location without being a report (a request for the
# nearest stations, see handlers/stations): looked up with the open reports, in one query.
LOCATION_WISHES = ("stations",)


class PendingReportRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect
        # The last look at a person's rows still waiting for pieces or a location, by
        # (chat, person, time): a location is asked about twice in one update (by the
        # stations, then by intake), and the second question needs no statement. A write
        # through this repository forgets it; rows changed in memory are filtered again.
        self._awaiting: tuple[tuple[str, str, datetime], list[PendingReportRow]] | None = None

    def add(self, row: PendingReportRow) -> PendingReportRow:
        self._awaiting = None
        self.session.add(row)
        return row

    async def get(self, pending_id: int, *, for_update: bool = False) -> PendingReportRow | None:
        query = select(PendingReportRow).where(PendingReportRow.id == pending_id)
        if for_update and self.dialect == "postgresql":
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def open_for(self, chat_id: str, user_id: str,
                       at: datetime) -> list[PendingReportRow]:
        """The person's reports in this chat still open at `at` (when their message was
        sent), newest first."""
        return [row for row in await self._waiting(chat_id, user_id, at)
                if row.status in TAKING_PIECES]

    async def recent_for(self, chat_id: str, user_id: str) -> list[PendingReportRow]:
        """The person's latest reports in this chat in any state, newest first."""
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.chat_id == chat_id, PendingReportRow.user_id == user_id)
            .order_by(PendingReportRow.id.desc())
            .limit(RECENT_ROWS)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return list((await self.session.execute(query)).scalars())

    async def by_album(self, chat_id: str, media_group_id: str) -> PendingReportRow | None:
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.chat_id == chat_id,
                   PendingReportRow.media_group_id == media_group_id)
            .order_by(PendingReportRow.id)
            .limit(1)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def waiting_for_location(self, chat_id: str, user_id: str, at: datetime,
                                   status: str) -> PendingReportRow | None:
        """The person's newest wish for a location in this chat (a row in `status`, such as
        a request for the nearest stations) still waiting at `at`."""
        if status in LOCATION_WISHES:
            wishes = [row for row in await self._waiting(chat_id, user_id, at)
                      if row.status == status]
            return max(wishes, key=lambda row: row.id, default=None)
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.chat_id == chat_id, PendingReportRow.user_id == user_id,
                   PendingReportRow.status == status, PendingReportRow.expires_at > at)
            .order_by(PendingReportRow.id.desc())
            .limit(1)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    # -- what scheduled work looks at ------------------------------------------------------

    async def expired(self, now: datetime, limit: int = 100) -> list[PendingReportRow]:
        return await self._due(PendingReportRow.expires_at, now, limit)

    async def albums_settled(self, now: datetime, limit: int = 100) -> list[PendingReportRow]:
        return await self._due(PendingReportRow.settle_at, now, limit)

    async def files_to_read(self, now: datetime, limit: int = 10) -> list[PendingReportRow]:
        """Reports with a file to read, due by the reader's own clock (no time means now)."""
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.status.in_(TAKING_PIECES),
                   PendingReportRow.fetch_file_id.is_not(None),
                   or_(PendingReportRow.fetch_after.is_(None),
                       PendingReportRow.fetch_after <= now))
            .order_by(PendingReportRow.id)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.execute(query)).scalars())

    async def _due(self, column: object, now: datetime, limit: int) -> list[PendingReportRow]:
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.status == "open", column <= now)  # type: ignore[operator]
            .order_by(column)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.execute(query)).scalars())

    # -- claims (each succeeds once) -------------------------------------------------------

    async def claim_expiry(self, pending_id: int) -> bool:
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id, PendingReportRow.status == "open")
            .values(status="expiring"))

    async def claim_settled(self, pending_id: int, settle_at: datetime) -> bool:
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id, PendingReportRow.status == "open",
                   PendingReportRow.settle_at == settle_at)
            .values(settle_at=None))

    async def settle_wish(self, pending_id: int, waiting: str, answered: str) -> bool:
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id, PendingReportRow.status == waiting)
            .values(status=answered))

    async def lease_file(self, pending_id: int, file_id: str, until: datetime) -> bool:
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id,
                   PendingReportRow.fetch_file_id == file_id)
            .values(fetch_after=until))

    async def file_read(self, pending_id: int, file_id: str) -> bool:
        """The file was read (or given up on): only one reader reports it."""
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id,
                   PendingReportRow.fetch_file_id == file_id)
            .values(fetch_file_id=None, fetch_after=None))

    async def file_retry(self, pending_id: int, file_id: str, at: datetime) -> bool:
        return await self._claim(
            update(PendingReportRow)
            .where(PendingReportRow.id == pending_id,
                   PendingReportRow.fetch_file_id == file_id)
            .values(fetch_after=at, fetch_attempts=PendingReportRow.fetch_attempts + 1))

    async def _waiting(self, chat_id: str, user_id: str,
                       at: datetime) -> list[PendingReportRow]:
        """The person's rows in this chat taking pieces or wishing for a location at `at`,
        newest first; read once per update (see `_awaiting`)."""
        key = (chat_id, user_id, at)
        if self._awaiting is not None and self._awaiting[0] == key:
            rows = self._awaiting[1]
        else:
            found = await self.session.execute(
                _waiting(self.dialect), {"chat_id": chat_id, "user_id": user_id, "at": at})
            rows = list(found.scalars())
            self._awaiting = (key, rows)
        return [row for row in rows if row.expires_at > at]

    async def _claim(self, statement: object) -> bool:
        self._awaiting = None
        result = await self.session.execute(
            statement.execution_options(synchronize_session=False))  # type: ignore[attr-defined]
        return (result.rowcount or 0) == 1

    # -- held for the admins (the reporter was over the limit) -----------------------------

    async def held(self, *, user_id: str | None = None,
                   limit: int = 500) -> list[PendingReportRow]:
        """Reports held for the admins, oldest first (one reporter's, or everyone's)."""
        query = select(PendingReportRow).where(PendingReportRow.status == "held")
        if user_id is not None:
            query = query.where(PendingReportRow.user_id == user_id)
        query = query.order_by(PendingReportRow.held_at, PendingReportRow.id).limit(limit)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return list((await self.session.execute(query)).scalars())

    async def hold_list_counts(self, hold_list: int) -> dict[str, int]:
        """How the reports of one list of held reports stand: held, filed, dismissed."""
        found = await self.session.execute(
            select(PendingReportRow.status, func.count(PendingReportRow.id))
            .where(PendingReportRow.hold_list == hold_list)
            .group_by(PendingReportRow.status))
        return {str(status): int(count) for status, count in found.all()}


@functools.cache
def _waiting(dialect: str) -> Any:
    """The query of `_waiting`, built once per dialect (intake runs it for every piece)."""
    query = (
        select(PendingReportRow)
        .where(PendingReportRow.chat_id == bindparam("chat_id"),
               PendingReportRow.user_id == bindparam("user_id"),
               one_of(PendingReportRow.status, TAKING_PIECES + LOCATION_WISHES),
               PendingReportRow.expires_at > bindparam("at"))
        .order_by(PendingReportRow.started_at.desc(), PendingReportRow.id.desc())
    )
    if dialect == "postgresql":
        query = query.with_for_update()
    return query
