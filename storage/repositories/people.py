"""People the bot has seen: names for mentions, whether they opened a private chat."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UserRow
from storage.repositories._upsert import insert_ignoring_conflicts


class UserRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def seen(self, user_id: str, *, first_name: str, last_name: str = "",
                   username: str = "", language: str = "", now: datetime,
                   private_chat: bool = False) -> None:
        """Insert or refresh the person in one statement (it runs for every update). A
        language once known is kept when an update carries none; a private chat once opened
        stays opened."""
        await self.session.execute(_seen(self.dialect), {
            "user_id": user_id, "first_name": first_name, "last_name": last_name,
            "username": username, "language": language, "private_chat": private_chat,
            "updated_at": now})

    async def get(self, user_id: str) -> UserRow | None:
        return await self.session.get(UserRow, user_id)


@functools.cache
def _seen(dialect: str) -> Any:
    """The upsert `seen` runs for every update, built once per dialect."""
    table = UserRow.__table__
    statement = insert_ignoring_conflicts(dialect, table)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"first_name": new.first_name, "last_name": new.last_name,
              "username": new.username,
              "language": case((new.language != "", new.language), else_=table.c.language),
              "private_chat": or_(table.c.private_chat, new.private_chat),
              "updated_at": new.updated_at})
