"""Commands everyone may use: /start and /help."""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.inbound import Message


@registry.command("start", help_key="help.start")
async def start(message: Message, ctx: Context) -> None:
    texts = ctx.texts_for(message.sender)
    key = "common.start_private" if message.chat.is_private else "common.start_group"
    ctx.reply(message, texts(key, name=message.sender.first_name))


@registry.command("help", help_key="help.help")
async def show_help(message: Message, ctx: Context) -> None:
    texts = ctx.texts_for(message.sender) if message.chat.is_private else ctx.texts
    ctx.reply(message, help_text(message.sender.id, ctx, texts))


def help_text(user_id: int, ctx: Context, texts: object) -> str:
    from handlers.texts import Texts

    assert isinstance(texts, Texts)
    staff = ctx.directory.is_staff_anywhere(user_id)
    lines = [texts("help.title"), texts("help.report_how")]
    lines.append("")
    lines.append(texts("help.commands_title"))
    for spec in sorted(registry.COMMANDS.values(), key=lambda s: (s.staff_only, s.name)):
        if not spec.menu or (spec.staff_only and not staff):
            continue
        lines.append(f"/{spec.name} — {texts(spec.help_key)}")
    if staff:
        departments = ", ".join(
            ctx.directory.department_name(d.id, texts.lang)
            for d in ctx.directory.departments_of(user_id)
        )
        role = texts("help.you_are_admin") if ctx.directory.is_admin(user_id) else ""
        lines.append("")
        lines.append(texts("help.staff_of", departments=departments or "—") + role)
    return "\n".join(lines)
