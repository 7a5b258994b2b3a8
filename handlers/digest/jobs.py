"""The scheduled digest: every morning in each liaison group and department chat, and the
week's digest beside it on the weekly day."""

from __future__ import annotations

from typing import Any

from domain.period import local_date, previous_week, yesterday
from handlers import registry
from handlers.context import Context
from handlers.digest.delivery import send_chart, send_figures
from handlers.digest.scope import digest_chats
from handlers.rules import Rules

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def daily_at(rules: Rules) -> dict[str, Any]:
    at = rules.digest.at
    return {"hour": at.hour, "minute": at.minute}


@registry.calendar("digest_daily", cron=daily_at)
async def send_daily_digests(ctx: Context) -> bool:
    """One chat per unit of work. Its claim is written in the same transaction as its
    messages: whichever process or retry gets there first sends it, and nobody sends it twice.
    Returns True while chats may be left, so the runner calls again at once."""
    tz = ctx.directory.tz
    today = local_date(ctx.now, tz)
    weekly = WEEKDAYS[today.weekday()] == ctx.services.rules.digest.weekly_on
    for chat_id, scope in digest_chats(ctx.directory):
        if not await ctx.uow.runs.claim(f"digest:{today.isoformat()}:{chat_id}", ctx.now):
            continue
        texts = ctx.texts
        daily = await send_figures(ctx, chat_id, scope, yesterday(ctx.now, tz), "day", texts)
        quiet = daily.is_empty
        if weekly:
            week = await send_figures(ctx, chat_id, scope, previous_week(ctx.now, tz), "week",
                                      texts)
            quiet = quiet and week.is_empty
        if not quiet:
            # Both periods end at midnight today, so one chart serves the two.
            await send_chart(ctx, chat_id, scope, daily.as_of, texts)
        return True
    return False
