"""`/open`, `/mine`, `/overdue`: ticket lists, oldest report first, paged with buttons.

Whose tickets a list shows depends on where it is asked for:
- a department's chat: that department's tickets;
- a liaison group: the tickets reported in that group;
- the admins' chat: every ticket;
- a private chat: staff see their departments' tickets (admins all), others the tickets
  they reported.
`/mine` is the tickets a staff member is handling, or for everyone else the ones they reported.
The page buttons carry only the list and the page: the chat and the presser say whose.
"""

from __future__ import annotations

from dataclasses import replace

from domain.identity import BadAddress, account
from domain.status import OPEN_STATUSES, Status
from domain.ticket import label
from handlers.context import Context
from handlers.texts import Texts
from handlers.tickets.formatting import local_time
from handlers.tickets.keyboards import VIEW, PagePress, TicketPress, button, in_rows
from messaging.inbound import ButtonPress, Chat, Message, Person
from messaging.outbound import Button, EditText, Keyboard, Target
from storage.models import TicketRow
from storage.repositories.tickets import TicketListing

OPEN = "open"
MINE = "mine"
OVERDUE = "overdue"
KINDS = (OPEN, MINE, OVERDUE)
PAGE_SIZE = 10
# Reporters still care about a resolved ticket until they have confirmed it.
REPORTED = frozenset({*OPEN_STATUSES, Status.RESOLVED})


def listing(ctx: Context, kind: str, chat: Chat, person: Person) -> TicketListing:
    directory = ctx.directory
    staff = directory.is_staff_anywhere(person.id)
    if kind == MINE:
        if staff:
            return TicketListing(assignee_id=person.id)
        return TicketListing(statuses=REPORTED, follower_id=person.id)
    wanted = TicketListing()
    department = directory.department_of_chat(chat.id)
    if department is not None:
        wanted = TicketListing(department_ids=(department.id,))
    elif directory.is_liaison_group(chat.id):
        wanted = TicketListing(chat_id=chat.id)
    elif chat.is_private and not directory.is_admin(person.id):
        if staff:
            wanted = TicketListing(
                department_ids=tuple(d.id for d in directory.departments_of(person.id)))
        else:
            wanted = TicketListing(statuses=REPORTED, follower_id=person.id)
    if kind == OVERDUE:
        wanted = replace(wanted, statuses=OPEN_STATUSES, overdue_at=ctx.now)
    return wanted


async def render(ctx: Context, kind: str, chat: Chat, person: Person,
                 page: int) -> tuple[str, Keyboard]:
    texts = ctx.texts if not chat.is_private else ctx.texts_for(person)
    wanted = listing(ctx, kind, chat, person)
    rows, total = await ctx.uow.tickets.listing(wanted, offset=page * PAGE_SIZE,
                                                limit=PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if total == 0:
        return texts(f"lists.{kind}_empty"), ()
    lines = [texts(f"lists.{kind}_title", count=total)]
    lines.extend(_item(ctx, row, texts) for row in rows)
    if pages > 1:
        lines.append(texts("lists.page", page=page + 1, pages=pages))
    keyboard: list[tuple[Button, ...]] = in_rows(
        [button(label(row.number), TicketPress(row.number, VIEW, Status(row.status)))
         for row in rows], width=5)
    nav = []
    # "mine" differs per person: its pages name whose they are.
    name = f"{kind}-{person.id}" if kind == MINE else kind
    if page > 0:
        nav.append(button(texts("lists.previous"), PagePress(name, page - 1)))
    if page + 1 < pages:
        nav.append(button(texts("lists.next"), PagePress(name, page + 1)))
    if nav:
        keyboard.append(tuple(nav))
    return "\n".join(lines), tuple(keyboard)


def _item(ctx: Context, row: TicketRow, texts: Texts) -> str:
    parts = [
        f"{label(row.number)} {ctx.directory.category_name(row.category_id, texts.lang)}",
        texts(f"status.{row.status}"),
        local_time(row.reported_at, ctx.directory.tz, ctx.now),
    ]
    if row.assignee_name and row.status in {s.value for s in OPEN_STATUSES}:
        parts.append(row.assignee_name)
    item = " · ".join(parts)
    return f"{item} {texts('card.overdue')}" if _overdue(ctx, row) else item


def _overdue(ctx: Context, row: TicketRow) -> bool:
    if row.status not in {s.value for s in OPEN_STATUSES}:
        return False
    waiting = row.status in {Status.NEW, Status.ASSIGNED, Status.TRANSFERRED, Status.REOPENED}
    late_ack = waiting and row.ack_due_at is not None and row.ack_due_at < ctx.now
    return late_ack or (row.resolve_due_at is not None and row.resolve_due_at < ctx.now)


async def show(ctx: Context, message: Message, kind: str) -> None:
    text, keyboard = await render(ctx, kind, message.chat, message.sender, 0)
    ctx.reply(message, text, buttons=keyboard)


def page_owner(name: str) -> tuple[str, str | None]:
    """The list a page button belongs to, and the person whose list it is (for "mine").

    Buttons sent before people had addresses name a Telegram id alone; they still work."""
    kind, _, owner = name.partition("-")
    if not owner:
        return kind, None
    try:
        return kind, account(owner)
    except BadAddress:
        return kind, owner


async def turn_page(ctx: Context, press: ButtonPress, kind: str, page: int) -> None:
    text, keyboard = await render(ctx, kind, press.chat, press.sender, page)
    ctx.send(EditText(target=Target(press.chat.id, press.message_id), text=text,
                      buttons=keyboard))
