"""Telling people about a ticket: the card in the group, the department's announcement, and a
short line in the report's thread (and privately to reporters) at every status change."""

from __future__ import annotations

from domain.privacy import mask_phone_numbers
from domain.ticket import Ticket, label
from handlers.context import Context
from handlers.outbound import EditCaption, EditText, SendPhoto, SendText, Target
from handlers.tickets.card import department_card, group_card, public_first_name
from handlers.tickets.formatting import duration, local_time

CAPTION_LIMIT = 1024


def card_ref(number: int) -> str:
    return f"card:{number}"


def announce_ref(number: int, photo: bool) -> str:
    return f"announce-photo:{number}" if photo else f"announce:{number}"


async def post_new_ticket(ctx: Context, ticket: Ticket, *, photo_file_id: str | None,
                          photos: int) -> None:
    """The card as a reply to the report, and the announcement in the department's chat."""
    card = group_card(ticket, ctx, photos=photos)
    texts = ctx.texts
    ctx.send(SendText(
        chat_id=ticket.chat_id, text=card.text, buttons=card.buttons,
        reply_to=Target(ticket.chat_id, ticket.message_id) if ticket.message_id else None,
        ref=card_ref(ticket.number), ticket=ticket.number,
        merge_line=texts("publish.filed_line", ticket=label(ticket.number),
                         category=ctx.directory.category_name(ticket.category_id, texts.lang),
                         name=public_first_name(ticket.reporter.name)),
    ))
    announce(ctx, ticket, photo_file_id=photo_file_id, photos=photos)


def announce(ctx: Context, ticket: Ticket, *, photo_file_id: str | None, photos: int,
             audience: list[int] | None = None) -> None:
    department = ctx.directory.departments.get(ticket.department_id or "")
    if department is None or department.chat_id is None:
        return
    people = audience if audience is not None else department.staff
    mentions = "、".join(ctx.directory.person_name(uid, str(uid)) for uid in people)
    card = department_card(ticket, ctx, photos=photos, mentions=mentions)
    if photo_file_id:
        ctx.send(SendPhoto(chat_id=department.chat_id, photo=photo_file_id,
                           caption=card.text[:CAPTION_LIMIT], buttons=card.buttons,
                           ref=announce_ref(ticket.number, True), ticket=ticket.number,
                           fallback_text=card.text))
    else:
        ctx.send(SendText(chat_id=department.chat_id, text=card.text, buttons=card.buttons,
                          ref=announce_ref(ticket.number, False), ticket=ticket.number))


def refresh_cards(ctx: Context, ticket: Ticket, *, photos: int = 0) -> None:
    """Edit the group card and the department announcement to the ticket's current state."""
    card = group_card(ticket, ctx, photos=photos)
    ctx.send(EditText(target=Target(ticket.chat_id, ref=card_ref(ticket.number)),
                      text=card.text, buttons=card.buttons))
    department = ctx.directory.departments.get(ticket.department_id or "")
    if department is None or department.chat_id is None:
        return
    staff_card = department_card(ticket, ctx, photos=photos)
    ctx.send(EditCaption(target=Target(department.chat_id, ref=announce_ref(ticket.number, True)),
                         caption=staff_card.text[:CAPTION_LIMIT], buttons=staff_card.buttons))
    ctx.send(EditText(target=Target(department.chat_id, ref=announce_ref(ticket.number, False)),
                      text=staff_card.text, buttons=staff_card.buttons))


def status_line(ctx: Context, ticket: Ticket) -> str:
    """"#0042 已受理 · 张师傅 · 12:07（报告后 7 分钟）"."""
    texts = ctx.texts
    event = ticket.events[-1]
    parts = [label(ticket.number), texts("status." + ticket.status.value)]
    if not event.actor.is_system:
        parts.append(event.actor.name)
    since = duration(event.at - ticket.reported_at, texts)
    parts.append(texts("publish.at_since", at=local_time(event.at, ctx.directory.tz, ctx.now),
                       since=since))
    line = " · ".join(parts)
    if event.note:
        line = f"{line}\n{mask_phone_numbers(event.note)}"
    return line


async def announce_status(ctx: Context, ticket: Ticket, *, photos: int = 0,
                          extra: str = "") -> None:
    """A status change: cards edited, a line in the report's thread, reporters told privately."""
    refresh_cards(ctx, ticket, photos=photos)
    line = status_line(ctx, ticket)
    if extra:
        line = f"{line}\n{extra}"
    ctx.send(SendText(
        chat_id=ticket.chat_id, text=line,
        reply_to=Target(ticket.chat_id, ticket.message_id) if ticket.message_id else None,
        ticket=ticket.number, merge_line=line.splitlines()[0],
    ))
    for follower in await ctx.uow.tickets.followers(ticket):
        user = await ctx.uow.users.get(follower.user_id)
        if user is not None and user.private_chat:
            ctx.send(SendText(chat_id=follower.user_id, text=line, ticket=ticket.number))


def resolution_extra(ctx: Context, ticket: Ticket) -> str:
    if ticket.time_to_resolve is None:
        return ""
    return ctx.texts("publish.time_to_resolve", span=duration(ticket.time_to_resolve, ctx.texts))
