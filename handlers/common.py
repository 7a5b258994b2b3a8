"""Commands everyone may use: /start and /help.

/help says what this person may do here: everyone's commands and how to report; the staff
commands when they work for the department of this chat (in a liaison group or a private
chat: for any department); their roles here; and what reporters may do.
"""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.texts import Texts
from messaging.inbound import Chat, Message


@registry.command("start", help_key="help.start")
async def start(message: Message, ctx: Context) -> None:
    texts = ctx.texts_for(message.sender)
    if not message.chat.is_private:
        key = "common.start_group"
    elif ctx.capabilities_of(message.chat.id).group_chats:
        key = "common.start_private"
    else:
        # A platform without groups (a WeChat service account): reports are made right here.
        key = "common.start_direct"
    ctx.reply(message, texts(key, name=message.sender.first_name))


@registry.command("help", help_key="help.help")
async def show_help(message: Message, ctx: Context) -> None:
    texts = ctx.texts_for(message.sender) if message.chat.is_private else ctx.texts
    ctx.reply(message, help_text(message.sender.id, message.chat, ctx, texts))


def _line(spec: registry.CommandSpec, texts: Texts) -> str:
    form = texts(f"form.{spec.name}") if texts.has(f"form.{spec.name}") else f"/{spec.name}"
    return f"{form} — {texts(spec.help_key)}"


def works_in(user_id: str, chat: Chat, ctx: Context) -> list[tuple[str, list[str]]]:
    """The departments whose tickets this person may work on here, with their roles."""
    directory = ctx.directory
    here = directory.department_of_chat(chat.id)
    departments = [here] if here is not None else directory.departments_of(user_id)
    found = []
    for department in departments:
        roles = directory.roles(user_id, department.id)
        names = [name for name, has in (("role_staff", roles.staff),
                                         ("role_backup", roles.backup),
                                         ("role_supervisor", roles.supervisor)) if has]
        if names:
            found.append((department.id, names))
    return found


def help_text(user_id: str, chat: Chat, ctx: Context, texts: Texts) -> str:
    directory = ctx.directory
    admin = directory.is_admin(user_id)
    departments = works_in(user_id, chat, ctx)
    staff_here = admin or bool(departments)
    specs = sorted(registry.COMMANDS.values(), key=lambda s: s.name)
    lines = [texts("help.title")]
    if chat.is_private or directory.is_liaison_group(chat.id):
        lines.append(texts("help.report_how"))
    lines += ["", texts("help.everyone_title")]
    lines += [_line(spec, texts) for spec in specs if spec.menu and not spec.staff_only]
    days = f"{ctx.services.rules.workflow.reporter_reopen_days:g}"
    lines += ["", texts("help.reporter_rights", days=days)]
    if staff_here:
        lines += ["", texts("help.staff_title")]
        lines += [_line(spec, texts) for spec in specs if spec.menu and spec.staff_only]
        lines.append(texts("help.reply_hint"))
        roles = [
            f"{directory.department_name(department_id, texts.lang)}"
            f"（{'、'.join(texts(f'help.{name}') for name in names)}）"
            for department_id, names in departments
        ]
        summary = "；".join(roles) or "—"
        lines += ["", texts("help.roles_here", roles=summary)
                  + (texts("help.you_are_admin") if admin else "")]
    return "\n".join(lines)
