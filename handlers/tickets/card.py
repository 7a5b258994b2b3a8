"""The ticket card: the bot's message about a ticket, edited as the status changes.

The group card is read by everyone, so it shows the reporter's first name only and masks phone
numbers; the department's announcement is for staff and names the reporter fully.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import geo
from domain.privacy import mask_phone_numbers, public_name
from domain.status import Action, Status, allowed_actions
from domain.ticket import Ticket, label
from handlers.context import Context
from handlers.texts import Texts
from handlers.tickets.formatting import duration, local_time
from handlers.tickets.keyboards import CategoryPress, TicketPress, button, in_rows
from handlers.web.links import ticket_url
from handlers.workflow import sla
from handlers.workflow.schedule import windows_for
from messaging.outbound import Button, Keyboard

STATUS_ICON = {
    Status.NEW: "🆕", Status.ASSIGNED: "📌", Status.ACKNOWLEDGED: "✅",
    Status.IN_PROGRESS: "🔧", Status.RESOLVED: "✔️", Status.CLOSED: "🏁",
    Status.REOPENED: "↩️", Status.REJECTED: "✖️", Status.DUPLICATE: "🔁",
    Status.TRANSFERRED: "↪️",
}

# Buttons shown for each action the status allows, in this order; actions that need more
# than a press (a reason, a department, the original ticket) offer a choice on the next step.
BUTTON_ACTIONS = (Action.ACKNOWLEDGE, Action.TAKE, Action.PROGRESS, Action.RESOLVE,
                  Action.MARK_DUPLICATE, Action.TRANSFER, Action.REJECT, Action.REOPEN)


@dataclass(frozen=True)
class CardView:
    text: str
    buttons: Keyboard


def public_first_name(name: str) -> str:
    """Group chats show the first name only, never a phone number used as a name."""
    first = (name or "").split(" ")[0]
    return public_name(first, None, None) or "—"


def group_card(ticket: Ticket, ctx: Context, *, photos: int = 0) -> CardView:
    """The card where the report was made. In the reporter's own chat with the bot (a WeChat
    follower's, or a private Telegram chat) nobody else reads it, so it offers no staff
    actions: the reporter could only be refused them. The map stays."""
    texts = ctx.texts
    buttons = card_buttons(ticket, ctx, texts)
    if reported_privately(ticket):
        buttons = tuple(row for row in buttons if all(b.url for b in row))
    return CardView(card_text(ticket, ctx, texts, public=True, photos=photos), buttons)


def reported_privately(ticket: Ticket) -> bool:
    return ticket.chat_id == ticket.reporter.user_id


def department_card(ticket: Ticket, ctx: Context, *, photos: int = 0,
                    mentions: str = "") -> CardView:
    texts = ctx.texts
    text = card_text(ticket, ctx, texts, public=False, photos=photos)
    if mentions:
        text = f"{text}\n{texts('card.attention', people=mentions)}"
    buttons = card_buttons(ticket, ctx, texts)
    page = ticket_url(ctx, ticket.number)
    if page is not None:
        # Staff open the whole ticket (timeline, photos, every action) in the web console.
        buttons = (*buttons, (Button(text=texts("button.web"), url=page),))
    return CardView(text, buttons)


def card_text(ticket: Ticket, ctx: Context, texts: Texts, *, public: bool,
              photos: int = 0) -> str:
    directory = ctx.directory
    lines = [
        f"{STATUS_ICON[ticket.status]} {label(ticket.number)} "
        f"{directory.category_name(ticket.category_id, texts.lang)} · "
        f"{texts('status.' + ticket.status.value)}",
    ]
    if ticket.location is not None:
        where = ticket.address or geo.format_coordinates(ticket.location.lat,
                                                         ticket.location.lon)
        lines.append(texts("card.where", where=where))
    if ticket.description:
        description = mask_phone_numbers(ticket.description) if public else ticket.description
        lines.append(texts("card.what", description=description))
    reporter = public_first_name(ticket.reporter.name) if public else ticket.reporter.name
    if ticket.reporter_count > 1:
        lines.append(texts("card.reporters", name=reporter, count=ticket.reporter_count))
    else:
        lines.append(texts("card.reporter", name=reporter))
    if not public and ticket.forwarded_from:
        lines.append(texts("card.forwarded_from", name=ticket.forwarded_from))
    if not ticket.has_photo:
        lines.append(texts("card.no_photo"))
    elif photos > 1:
        lines.append(texts("card.photos", count=photos))
    department = directory.department_name(ticket.department_id, texts.lang)
    if department:
        lines.append(texts("card.department", department=department))
    if ticket.assignee is not None and ticket.is_open:
        lines.append(texts("card.assignee", name=ticket.assignee.name))
    lines.append(texts("card.reported", at=local_time(ticket.reported_at, directory.tz,
                                                       ctx.now)))
    lines.extend(_progress_lines(ticket, ctx, texts))
    return "\n".join(lines)


def _progress_lines(ticket: Ticket, ctx: Context, texts: Texts) -> list[str]:
    tz, now = ctx.directory.tz, ctx.now
    windows = windows_for(ctx, ticket)
    lines: list[str] = []
    if ticket.is_open:
        late = texts("card.overdue")
        if ticket.awaiting_ack:
            due = sla.ack_due(ticket, windows)
            line = texts("card.ack_due", at=local_time(due, tz, now))
            lines.append(f"{line} {late}" if now > due else line)
        due = sla.resolve_due(ticket, windows)
        line = texts("card.resolve_due", at=local_time(due, tz, now))
        lines.append(f"{line} {late}" if now > due else line)
    if ticket.resolved_at is not None and ticket.time_to_resolve is not None:
        lines.append(texts("card.resolved", at=local_time(ticket.resolved_at, tz, now),
                           span=duration(ticket.time_to_resolve, texts)))
    if ticket.status is Status.CLOSED and ticket.close_reason:
        lines.append(texts(f"card.closed_{ticket.close_reason}"))
    if ticket.rating is not None:
        lines.append(texts("card.rating", rating=texts(f"rating.{ticket.rating.value}")))
    if ticket.duplicate_of is not None:
        lines.append(texts("card.duplicate_of", ticket=label(ticket.duplicate_of)))
    return lines


def card_buttons(ticket: Ticket, ctx: Context, texts: Texts) -> Keyboard:
    rows: list[tuple[Button, ...]] = []
    if ticket.category_id == "other" and ticket.is_open:
        picks = [
            button(category.name if texts.lang == "zh" else category.name_en,
                   CategoryPress(ticket.number, category.id))
            for category in ctx.directory.categories.values() if category.id != "other"
        ]
        rows.extend(in_rows(picks))
    allowed = set(allowed_actions(ticket.status))
    actions = [
        button(texts(f"button.{action.value}"),
               TicketPress(ticket.number, action.value, ticket.status))
        for action in BUTTON_ACTIONS if action in allowed
    ]
    rows.extend(in_rows(actions))
    if ticket.location is not None:
        rows.append((Button(text=texts("button.map"),
                            url=geo.map_link(ticket.location.lat, ticket.location.lon,
                                             texts.lang)),))
    return tuple(rows)
