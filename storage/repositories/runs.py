"""Once-only runs of scheduled work, shared by every bot process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import JobRunRow
from storage.repositories._upsert import insert_ignoring_conflicts


class JobRunRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def claim(self, key: str, now: datetime) -> bool:
        """True for exactly one caller per key, whichever process or retry it is."""
        result = await self.session.execute(
            insert_ignoring_conflicts(self.dialect, JobRunRow)
            .values(key=key, started_at=now)
            .on_conflict_do_nothing()
        )
        return (result.rowcount or 0) == 1
