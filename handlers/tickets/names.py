"""How the bot names people in mentions and notices.

The configured name (`[[people]]`) first; else the name the person last showed in a chat the
bot is in (or when they started it privately); only a person never seen is named by number.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.identity import short
from handlers.context import Context


async def names_of(ctx: Context, user_ids: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for user_id in user_ids:
        if user_id in names:
            continue
        name = ctx.directory.person_name(user_id)
        if not name:
            user = await ctx.uow.users.get(user_id)
            if user is not None:
                name = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
        names[user_id] = name or short(user_id)
    return names


async def name_list(ctx: Context, user_ids: list[str]) -> str:
    """"张师傅、李师傅": the people in order, each once."""
    names = await names_of(ctx, user_ids)
    return "、".join(dict.fromkeys(names[user_id] for user_id in user_ids))
