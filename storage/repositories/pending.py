"""Reports still waiting for a part (usually the location) or for the rest of an album."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingReportRow


class PendingReportRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    def add(self, row: PendingReportRow) -> PendingReportRow:
        self.session.add(row)
        return row

    async def open_for(self, chat_id: int, user_id: int, now: datetime) -> list[PendingReportRow]:
        """The person's open pending reports in this chat, newest first."""
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.chat_id == chat_id, PendingReportRow.user_id == user_id,
                   PendingReportRow.status == "open", PendingReportRow.expires_at > now)
            .order_by(PendingReportRow.started_at.desc(), PendingReportRow.id.desc())
        )
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return list((await self.session.execute(query)).scalars())

    async def by_album(self, chat_id: int, media_group_id: str) -> PendingReportRow | None:
        query = select(PendingReportRow).where(
            PendingReportRow.chat_id == chat_id,
            PendingReportRow.media_group_id == media_group_id,
        ).order_by(PendingReportRow.id).limit(1)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def expired(self, now: datetime, limit: int = 100) -> list[PendingReportRow]:
        query = (
            select(PendingReportRow)
            .where(PendingReportRow.status == "open", PendingReportRow.expires_at <= now)
            .order_by(PendingReportRow.expires_at)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return list((await self.session.execute(query)).scalars())

    async def get(self, pending_id: int) -> PendingReportRow | None:
        return await self.session.get(PendingReportRow, pending_id)
