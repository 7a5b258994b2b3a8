"""People the bot has seen: names for mentions, whether they opened a private chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UserRow


class UserRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def seen(self, user_id: str, *, first_name: str, last_name: str = "",
                   username: str = "", language: str = "", now: datetime,
                   private_chat: bool = False) -> UserRow:
        row = await self.session.get(UserRow, user_id)
        if row is None:
            row = UserRow(user_id=user_id, private_chat=private_chat)
            self.session.add(row)
        row.first_name = first_name
        row.last_name = last_name
        row.username = username
        row.language = language or row.language or ""
        row.private_chat = row.private_chat or private_chat
        row.updated_at = now
        return row

    async def get(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)
