"""Showing a ticket: the card in the group, the announcement in the department's chat, the
escalation notices, and editing all of them when the ticket changes.

Messages that are edited later are sent under a name (`ref`); a name is remembered once, so
every name here is unique to one message: the announcement's name includes its chat (a
transferred ticket has one in each department's chat), a notice's name the index of its event
in the log.
"""

from __future__ import annotations

from domain.ticket import Ticket, TicketEvent, label
from handlers.context import Context
from handlers.media import media_ref
from handlers.tickets.card import department_card, group_card, public_first_name
from handlers.tickets.names import name_list
from handlers.tickets.notices import notice_header, report_thread
from messaging.outbound import EditCaption, EditText, SendPhoto, SendText, Target

CAPTION_LIMIT = 1024
NOTICE_KINDS = frozenset({"escalated", "reminded"})


def card_ref(number: int) -> str:
    return f"card:{number}"


def announce_ref(number: int, photo: bool, chat_id: str) -> str:
    return f"{'announce-photo' if photo else 'announce'}:{chat_id}:{number}"


def notice_ref(number: int, event_index: int) -> str:
    return f"notice:{number}:{event_index}"


def department_chat(ctx: Context, ticket: Ticket) -> str | None:
    return chat_of_department(ctx, ticket.department_id)


def chat_of_department(ctx: Context, department_id: str | None) -> str | None:
    department = ctx.directory.departments.get(department_id or "")
    return department.chat_id if department is not None else None


def notice_chat(ctx: Context, ticket: Ticket) -> str | None:
    """Where escalations go: the department's chat, else the admins' (nobody else would act)."""
    return department_chat(ctx, ticket) or ctx.directory.admin_chat_id


async def publish_new(ctx: Context, ticket: Ticket, *, photo_file_id: str | None,
                      photos: int) -> None:
    """The card as a reply to the report and the announcement in the department's chat."""
    card = group_card(ticket, ctx, photos=photos)
    texts = ctx.texts
    ctx.send(SendText(
        chat_id=ticket.chat_id, text=card.text, buttons=card.buttons,
        reply_to=report_thread(ticket), ref=card_ref(ticket.number), ticket=ticket.number,
        merge_line=texts("publish.filed_line", ticket=label(ticket.number),
                         category=ctx.directory.category_name(ticket.category_id, texts.lang),
                         name=public_first_name(ticket.reporter.name)),
    ))
    await announce(ctx, ticket, photo_file_id=photo_file_id, photos=photos)


async def announce(ctx: Context, ticket: Ticket, *, photo_file_id: str | None,
                   photos: int) -> None:
    """The ticket in its department's chat, with the photo, naming the staff."""
    department = ctx.directory.departments.get(ticket.department_id or "")
    if department is None or department.chat_id is None:
        return
    card = department_card(ticket, ctx, photos=photos,
                           mentions=await name_list(ctx, list(department.staff)))
    chat_id = department.chat_id
    # When a burst of tickets outruns the chat's pace, announcements are listed in one message
    # instead; each ticket stays one /ticket N away.
    texts = ctx.texts
    line = texts("publish.announce_line", ticket=label(ticket.number),
                 category=ctx.directory.category_name(ticket.category_id, texts.lang),
                 description=(ticket.description or "").splitlines()[0][:40]
                 if ticket.description else "")
    if photo_file_id:
        ctx.send(SendPhoto(chat_id=chat_id, photo=photo_file_id,
                           caption=card.text[:CAPTION_LIMIT], buttons=card.buttons,
                           ref=announce_ref(ticket.number, True, chat_id), ticket=ticket.number,
                           fallback_text=card.text, merge_line=line))
    else:
        ctx.send(SendText(chat_id=chat_id, text=card.text, buttons=card.buttons,
                          ref=announce_ref(ticket.number, False, chat_id), ticket=ticket.number,
                          merge_line=line))


async def announcement_target(ctx: Context, ticket: Ticket) -> Target | None:
    """The department's current announcement, to reply to, when it was delivered."""
    chat_id = department_chat(ctx, ticket)
    if chat_id is None:
        return None
    for photo in (True, False):
        found = await ctx.uow.refs.resolve(announce_ref(ticket.number, photo, chat_id))
        if found is not None:
            return Target(chat_id, found.message_id)
    return None


async def refresh_cards(ctx: Context, ticket: Ticket, *, photos: int = 0) -> None:
    """Edit the group card, the department's announcement and the escalation notices since
    the ticket's last assignment to show the ticket as it is now."""
    card = group_card(ticket, ctx, photos=photos)
    ctx.send(EditText(target=Target(ticket.chat_id, ref=card_ref(ticket.number)),
                      text=card.text, buttons=card.buttons))
    chat_id = department_chat(ctx, ticket)
    if chat_id is not None:
        edit_announcement(ctx, ticket, chat_id, photos=photos)
    chat_id = notice_chat(ctx, ticket)
    if chat_id is None:
        return
    for index, event in notices_since_assignment(ticket):
        ctx.send(EditText(target=Target(chat_id, ref=notice_ref(ticket.number, index)),
                          text=await notice_text(ctx, ticket, event, photos=photos),
                          buttons=card.buttons))


def edit_announcement(ctx: Context, ticket: Ticket, chat_id: str, *, photos: int = 0) -> None:
    """Edit the ticket's announcement in a department's chat (also a former department's, after
    a transfer: its card then shows where the ticket went)."""
    # Whether the announcement carried a photo is not known here; the edit of the kind that
    # does not exist finds no message and is skipped.
    staff_card = department_card(ticket, ctx, photos=photos)
    ctx.send(EditCaption(target=Target(chat_id, ref=announce_ref(ticket.number, True, chat_id)),
                         caption=staff_card.text[:CAPTION_LIMIT], buttons=staff_card.buttons))
    ctx.send(EditText(target=Target(chat_id, ref=announce_ref(ticket.number, False, chat_id)),
                      text=staff_card.text, buttons=staff_card.buttons))


async def hand_over(ctx: Context, ticket: Ticket, previous_chat: str | None) -> None:
    """After the ticket changed department: the group card and the new department's
    announcement show it, and the former department's announcement shows where it went."""
    photos = await ctx.uow.tickets.photos(ticket)
    # Our stored copy when we have it: a photo sent as a file has no photo id to resend.
    first = next((media_ref(p.sha256) if p.sha256 else p.file_id
                  for p in photos if p.kind == "before"), None)
    count = sum(1 for p in photos if p.kind == "before")
    await refresh_cards(ctx, ticket, photos=count)
    await announce(ctx, ticket, photo_file_id=first, photos=count)
    if previous_chat is not None and previous_chat != department_chat(ctx, ticket):
        edit_announcement(ctx, ticket, previous_chat, photos=count)


def notices_since_assignment(ticket: Ticket) -> list[tuple[int, TicketEvent]]:
    found: list[tuple[int, TicketEvent]] = []
    for index, event in enumerate(ticket.events):
        if event.kind == "assign":
            found = []
        elif event.kind in NOTICE_KINDS:
            found.append((index, event))
    return found


async def notice_text(ctx: Context, ticket: Ticket, event: TicketEvent, *,
                      photos: int = 0) -> str:
    card = department_card(ticket, ctx, photos=photos)
    return f"{await notice_header(ctx, ticket, event)}\n\n{card.text}"


async def before_photo_count(ctx: Context, ticket: Ticket) -> int:
    return sum(1 for photo in await ctx.uow.tickets.photos(ticket) if photo.kind == "before")


async def refresh(ctx: Context, ticket: Ticket) -> None:
    """`refresh_cards` with the photo count looked up."""
    await refresh_cards(ctx, ticket, photos=await before_photo_count(ctx, ticket))
