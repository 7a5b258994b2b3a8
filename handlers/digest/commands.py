"""/digest, /stats and /export: the digest's figures on demand."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, tzinfo

from domain.period import Period, PeriodError, parse_period, yesterday
from handlers import registry
from handlers.context import Context
from handlers.digest.delivery import send_chart, send_figures
from handlers.digest.export import XlsxExport, write_export
from handlers.digest.now import render_today
from handlers.digest.render import Naming
from handlers.digest.scope import scope_of_chat, scope_of_person
from handlers.texts import Texts
from messaging.inbound import Message
from messaging.outbound import SendDocument, SendText, Target
from storage.queries.scope import Scope

DefaultPeriod = Callable[[datetime, tzinfo], Period]


@registry.command("digest", help_key="help.digest", staff_only=True)
async def on_digest(message: Message, ctx: Context) -> None:
    request = _staff_request(message, ctx, "digest", yesterday)
    if request is None:
        return
    scope, period, texts = request
    figures = await send_figures(ctx, message.chat.id, scope, period, period.kind.value, texts,
                                 reply_to=_thread(message))
    if figures.as_of < ctx.now:
        # A past period (yesterday, by default): what happened since is in none of it.
        today = await ctx.uow.queries.today(scope, ctx.now, ctx.directory.tz)
        naming = Naming(ctx.directory, texts, ctx.directory.tz, ctx.now)
        ctx.send(SendText(chat_id=message.chat.id, text=render_today(today, naming)))
    if not figures.is_empty:
        await send_chart(ctx, message.chat.id, scope, figures.as_of, texts)


@registry.command("stats", help_key="help.stats", staff_only=True)
async def on_stats(message: Message, ctx: Context) -> None:
    request = _staff_request(message, ctx, "stats", _today)
    if request is None:
        return
    scope, period, texts = request
    await send_figures(ctx, message.chat.id, scope, period, "stats", texts,
                       reply_to=_thread(message))


@registry.command("export", help_key="help.export", staff_only=True)
async def on_export(message: Message, ctx: Context) -> None:
    texts = _texts(message, ctx)
    if not ctx.directory.is_admin(message.sender.id):
        ctx.reply(message, texts("digest.export.not_admin"))
        return
    # The file names the reporters: it goes only where no one but admins reads it.
    if not (message.chat.is_private or message.chat.id == ctx.directory.admin_chat_id):
        ctx.reply(message, texts("digest.export.private_only"))
        return
    period = _period(message, ctx, texts, "export", _this_month)
    if period is None:
        return
    buffer = io.BytesIO()
    size = await write_export(ctx.uow, period, ctx.directory.tz, XlsxExport(buffer))
    media = ctx.services.media
    digest = media.put(buffer.getvalue())
    naming = Naming(ctx.directory, texts, ctx.directory.tz)
    ctx.send(SendDocument(
        chat_id=message.chat.id, path=str(media.path(digest)),
        filename=f"liaison-{period.first_day.isoformat()}_{period.last_day.isoformat()}.xlsx",
        caption=texts("digest.export.caption", period=naming.period(period, period.end),
                      tickets=size.tickets, events=size.events),
        reply_to=_thread(message),
    ))


def _staff_request(message: Message, ctx: Context, command: str,
                   default: DefaultPeriod) -> tuple[Scope, Period, Texts] | None:
    texts = _texts(message, ctx)
    user_id = message.sender.id
    if not ctx.directory.is_staff_anywhere(user_id):
        ctx.reply(message, texts("digest.not_staff", command=command))
        return None
    period = _period(message, ctx, texts, command, default)
    if period is None:
        return None
    scope = None if message.chat.is_private else scope_of_chat(message.chat.id, ctx.directory)
    return scope or scope_of_person(user_id, ctx.directory), period, texts


def _period(message: Message, ctx: Context, texts: Texts, command: str,
            default: DefaultPeriod) -> Period | None:
    args = message.command.args.strip() if message.command else ""
    tz = ctx.directory.tz
    try:
        return parse_period(args, ctx.now, tz) if args else default(ctx.now, tz)
    except PeriodError:
        ctx.reply(message, texts("digest.usage", command=command))
        return None


def _texts(message: Message, ctx: Context) -> Texts:
    return ctx.texts_for(message.sender) if message.chat.is_private else ctx.texts


def _thread(message: Message) -> Target:
    return Target(message.chat.id, message.message_id)


def _today(now: datetime, tz: tzinfo) -> Period:
    return parse_period("today", now, tz)


def _this_month(now: datetime, tz: tzinfo) -> Period:
    return parse_period("month", now, tz)
