"""Where named bot messages landed: a ticket's card in the group, its announcement…"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MessageRefRow
from storage.repositories._upsert import insert_ignoring_conflicts


class MessageRefRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    async def remember(self, ref: str, chat_id: str, message_id: str, now: datetime,
                       ticket_number: int | None = None) -> None:
        await self.session.execute(
            insert_ignoring_conflicts(self.dialect, MessageRefRow)
            .values(ref=ref, chat_id=chat_id, message_id=message_id,
                    ticket_number=ticket_number, created_at=now)
            .on_conflict_do_nothing()
        )

    async def remember_many(self, refs: list[tuple[str, str, str, int | None]],
                            now: datetime) -> None:
        """Several at once, (ref, chat id, message id, ticket number) each: one statement."""
        if not refs:
            return
        await self.session.execute(_remember(self.dialect), [
            {"ref": ref, "chat_id": chat_id, "message_id": message_id,
             "ticket_number": ticket, "created_at": now}
            for ref, chat_id, message_id, ticket in refs])

    async def resolve(self, ref: str) -> MessageRefRow | None:
        return await self.session.get(MessageRefRow, ref)

    async def ticket_of_message(self, chat_id: str, message_id: str) -> int | None:
        """The ticket a bot message is about (so a reply to a card needs no number)."""
        row = await self.session.execute(
            select(MessageRefRow.ticket_number)
            .where(MessageRefRow.chat_id == chat_id, MessageRefRow.message_id == message_id,
                   MessageRefRow.ticket_number.is_not(None))
            .limit(1)
        )
        return row.scalar_one_or_none()


@functools.cache
def _remember(dialect: str) -> Any:
    """The insert of `remember_many`, built once per dialect (every delivery of a card or
    an announcement runs it)."""
    return insert_ignoring_conflicts(dialect, MessageRefRow.__table__).on_conflict_do_nothing()
