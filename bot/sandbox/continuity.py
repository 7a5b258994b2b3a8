"""A sandbox started again on the database of an earlier run.

The simulated Telegram server forgets its chats on exit, but the database remembers the
updates and messages of the earlier run: the new server must number its updates and each
chat's messages after those, or the bot would take new messages for ones it has handled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.sandbox.cast import telegram_id
from domain.identity import is_address
from storage.db import create_engine, session_factory
from storage.existing import problem_with
from storage.models import InboxRow, OutboxRow
from storage.uow import UnitOfWorkFactory


@dataclass(frozen=True)
class IdsInUse:
    last_update_id: int = 0
    # The highest message id the bot knows in each chat.
    last_message_ids: dict[int, int] = field(default_factory=dict)
    tickets: int = 0


async def ids_in_use(url: str) -> IdsInUse:
    """What the database at `url` has seen; nothing when there is no database yet."""
    if problem_with(url) is not None:
        return IdsInUse()
    from storage.models import TicketRow

    engine = create_engine(url)
    try:
        async with UnitOfWorkFactory(session_factory(engine))(read_only=True) as uow:
            last_update = (await uow.execute(select(func.max(InboxRow.update_id)))).scalar()
            tops: dict[int, int] = {}
            for table in (InboxRow, OutboxRow):
                # Chats are addresses and message ids text: the sandbox's Telegram numbers
                # are compared as numbers here (text would put "9" after "10").
                rows = await uow.execute(
                    select(table.chat_id, table.message_id)
                    .where(table.chat_id.is_not(None), table.message_id.is_not(None)))
                for address, message_id in rows:
                    chat_id = telegram_id(address) if is_address(address) else None
                    if chat_id is None or not str(message_id).isdigit():
                        continue
                    tops[chat_id] = max(tops.get(chat_id, 0), int(message_id))
            tickets = (await uow.execute(select(func.count()).select_from(TicketRow))).scalar()
        return IdsInUse(max(0, int(last_update or 0)), tops, int(tickets or 0))
    finally:
        await engine.dispose()
