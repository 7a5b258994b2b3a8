"""Message ids of numbered chats, kept as text: Telegram numbers a chat's messages in order.

Digits compare as numbers when the longer is the larger (ids have no sign or leading zeros):
ordering by length, then by text, keeps the numbers' order on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession


def numbered(message_id: str | None) -> int | None:
    """The number of a numbered message id, or None for ids of other kinds."""
    if message_id is None or not message_id.isascii() or not message_id.isdigit():
        return None
    return int(message_id)


async def numbered_above(session: AsyncSession, table: Any, chat_id: str,
                         floor: int) -> set[int]:
    """The numbered message ids of the chat in `table` above `floor`."""
    text = str(floor)
    column = table.message_id
    found = await session.execute(
        select(column).where(table.chat_id == chat_id, or_(
            func.length(column) > len(text),
            and_(func.length(column) == len(text), column > text))))
    return {n for n in (numbered(m) for m in found.scalars()) if n is not None and n > floor}
