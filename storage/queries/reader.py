"""What every read query of `storage/queries` runs on: the unit of work's session and its
dialect, which decides how some figures are computed (percentiles, planner hints)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Result
from sqlalchemy.ext.asyncio import AsyncResult, AsyncSession


class Reader:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def execute(self, statement: Any) -> Result[Any]:
        return await self.session.execute(statement)

    async def stream(self, statement: Any) -> AsyncResult[Any]:
        return await self.session.stream(statement)
