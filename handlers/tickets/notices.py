"""Short lines about a ticket's changes: in the report's thread, and privately to reporters.

"#0042 已受理 · 张师傅 · 12:07（报告后 7 分钟）" — what happened, who did it, when, and how long
after the report. A resolution says how long it took instead.
"""

from __future__ import annotations

from domain.privacy import mask_phone_numbers
from domain.ticket import Ticket, TicketEvent, label
from handlers.context import Context
from handlers.texts import Texts, pick_language
from handlers.tickets.card import public_first_name
from handlers.tickets.formatting import duration, local_time
from handlers.tickets.names import name_list
from handlers.workflow.schedule import windows_for
from messaging.outbound import SendText, Target

# Changes the department hears about even though its own people did not make them.
_DEPARTMENT_HEARS = frozenset({"reopen", "close"})


def last_change_index(ticket: Ticket) -> int:
    """The event that last changed the status (a transfer's assignment counts as the transfer)."""
    for index in range(len(ticket.events) - 1, -1, -1):
        event = ticket.events[index]
        if event.to_status is None:
            continue
        if event.kind == "assign" and index > 0 and ticket.events[index - 1].kind == "transfer":
            return index - 1
        return index
    return 0


def event_line(ctx: Context, ticket: Ticket, index: int, texts: Texts, *,
               public: bool = True) -> str:
    event = ticket.events[index]
    parts = [f"{label(ticket.number)} {_what(ctx, ticket, event, texts)}"]
    if not event.actor.is_system:
        parts.append(public_first_name(event.actor.name) if public else event.actor.name)
    at = local_time(event.at, ctx.directory.tz, ctx.now)
    if event.kind == "resolve":
        parts.append(texts("publish.took", at=at,
                           span=duration(event.at - ticket.reported_at, texts)))
    else:
        parts.append(texts("publish.at_since", at=at,
                           since=duration(event.at - ticket.reported_at, texts)))
    line = " · ".join(parts)
    if event.note:
        line = f"{line}\n{mask_phone_numbers(event.note) if public else event.note}"
    return line


def _what(ctx: Context, ticket: Ticket, event: TicketEvent, texts: Texts) -> str:
    data = event.data
    if event.kind == "take":
        return texts("publish.took_over")
    if event.kind == "transfer":
        return texts("publish.transferred_to", department=ctx.directory.department_name(
            data.get("department_id"), texts.lang))
    if event.kind == "mark_duplicate":
        return texts("publish.duplicate_of", ticket=label(int(data["duplicate_of"])))
    if event.kind == "close":
        reason = data.get("reason", "staff")
        hours = f"{ctx.services.rules.workflow.verify_hours:g}"
        return texts(f"publish.closed_{reason}", hours=hours)
    status = event.to_status.value if event.to_status else ticket.status.value
    return texts(f"status.{status}")


def change_line(ctx: Context, ticket: Ticket, texts: Texts, *, public: bool = True) -> str:
    return event_line(ctx, ticket, last_change_index(ticket), texts, public=public)


async def private_readers(ctx: Context, ticket: Ticket,
                          skip: str | None = None) -> list[tuple[str, Texts]]:
    """Reporters who opened a private chat with the bot, each with their language."""
    readers: list[tuple[str, Texts]] = []
    for follower in await ctx.uow.tickets.followers(ticket):
        if follower.user_id in (skip, ticket.chat_id):
            # Reported in their own private chat (a WeChat follower, say): the thread's copy
            # already reaches them there.
            continue
        user = await ctx.uow.users.get(follower.user_id)
        if user is not None and user.private_chat:
            readers.append((follower.user_id,
                            Texts(pick_language(user.language, ctx.directory.language))))
    return readers


def report_thread(ticket: Ticket) -> Target | None:
    return Target(ticket.chat_id, ticket.message_id) if ticket.message_id else None


async def tell_about_change(ctx: Context, ticket: Ticket, *, reporters: bool = True) -> str:
    """The line in the report's thread and privately to reporters (unless they were told by
    an edit of a message they already have), and to the department when someone outside it
    made the change. Returns the group's line."""
    line = change_line(ctx, ticket, ctx.texts)
    event = ticket.events[last_change_index(ticket)]
    if reporters:
        ctx.send(SendText(chat_id=ticket.chat_id, text=line, reply_to=report_thread(ticket),
                          ticket=ticket.number, merge_line=line.splitlines()[0]))
        for user_id, texts in await private_readers(ctx, ticket, skip=event.actor.user_id):
            ctx.send(SendText(chat_id=user_id, text=change_line(ctx, ticket, texts),
                              ticket=ticket.number))
    if event.kind in _DEPARTMENT_HEARS:
        tell_department(ctx, ticket, change_line(ctx, ticket, ctx.texts, public=False))
    return line


def tell_department(ctx: Context, ticket: Ticket, text: str) -> None:
    department = ctx.directory.departments.get(ticket.department_id or "")
    if department is not None and department.chat_id is not None:
        ctx.send(SendText(chat_id=department.chat_id, text=text, ticket=ticket.number))


def audience(ctx: Context, ticket: Ticket, who: str) -> list[str]:
    """The people an escalation or reminder names: "backup", "supervisors" or "staff" (the
    person handling the ticket, else the department's staff). Admins when no department."""
    department = ctx.directory.departments.get(ticket.department_id or "")
    if department is None:
        return sorted(ctx.directory.admins)
    if who == "backup":
        return list(department.backup_staff)
    if who == "supervisors":
        return list(department.supervisors)
    if ticket.assignee is not None and ticket.assignee.user_id is not None:
        return [ticket.assignee.user_id]
    return list(department.staff)


async def notice_header(ctx: Context, ticket: Ticket, event: TicketEvent) -> str:
    """The first line of an escalation ("nobody acknowledged it") or reminder ("not resolved
    in time") notice."""
    texts = ctx.texts
    level = int(event.data.get("level", 1))
    who = str(event.data.get("audience", ""))
    people = await name_list(ctx, audience(ctx, ticket, who))
    windows = windows_for(ctx, ticket)
    kind = "escalated" if event.kind == "escalated" else "reminded"
    span = duration(level * (windows.ack if kind == "escalated" else windows.resolve), texts)
    line = texts(f"notice.{kind}", ticket=label(ticket.number), span=span)
    if people:
        line = f"{line} · {texts(f'notice.ask_{who}', people=people)}"
    return line
