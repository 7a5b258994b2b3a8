"""The next step of a card button that needs more than a press: which department to transfer
to, which reason to reject or reopen with, which ticket this one duplicates.

The choice is a new message replying to the pressed one (so the card stays as it is), with a
button per choice and a cancel button; each choice's data names the ticket and its status like
any card button, so a choice made after the ticket moved on is refused.
"""

from __future__ import annotations

from domain import geo
from domain.permissions import Operation
from domain.ticket import Ticket, label
from handlers.context import Context
from handlers.texts import Texts
from handlers.tickets.keyboards import CANCEL, TicketPress, button, in_rows
from messaging.inbound import ButtonPress
from messaging.outbound import Button, SendText, Target

# Preset reasons, by code; the texts live in the catalogs under `reasons.<operation>.<code>`.
REASONS = {
    Operation.REJECT: ("r1", "r2", "r3"),
    Operation.REOPEN: ("o1", "o2", "o3"),
}
NEEDS_CHOICE = frozenset({Operation.TRANSFER, Operation.REJECT, Operation.REOPEN,
                          Operation.MARK_DUPLICATE})
DUPLICATE_RADIUS_M = 500
DUPLICATE_CHOICES = 6


def reason_text(texts: Texts, operation: Operation, code: str) -> str | None:
    if code not in REASONS.get(operation, ()):
        return None
    return texts(f"reasons.{operation.value}.{code}")


async def offer(ctx: Context, press: ButtonPress, ticket: Ticket, operation: Operation) -> None:
    texts = ctx.texts_for(press.sender) if press.chat.is_private else ctx.texts
    number = label(ticket.number)
    if operation is Operation.TRANSFER:
        choices = [
            button(ctx.directory.department_name(d.id, texts.lang),
                   TicketPress(ticket.number, operation.value, ticket.status, d.id))
            for d in ctx.directory.departments.values() if d.id != ticket.department_id
        ]
        prompt = texts("choices.transfer", ticket=number)
    elif operation is Operation.MARK_DUPLICATE:
        choices = await _duplicate_choices(ctx, ticket, operation)
        key = "choices.mark_duplicate" if choices else "choices.mark_duplicate_none"
        prompt = texts(key, ticket=number, n=ticket.number)
    else:
        choices = [
            button(texts(f"reasons.{operation.value}.{code}"),
                   TicketPress(ticket.number, operation.value, ticket.status, code))
            for code in REASONS[operation]
        ]
        prompt = texts(f"choices.{operation.value}", ticket=number, n=ticket.number)
    rows: list[tuple[Button, ...]] = in_rows(choices, width=1 if operation in REASONS else 2)
    rows.append((button(texts("choices.cancel"),
                        TicketPress(ticket.number, CANCEL, ticket.status)),))
    ctx.send(SendText(chat_id=press.chat.id, text=prompt, buttons=tuple(rows),
                      reply_to=Target(press.chat.id, press.message_id), ticket=ticket.number))


async def _duplicate_choices(ctx: Context, ticket: Ticket, operation: Operation) -> list[Button]:
    """Open tickets of the same category nearby, nearest first."""
    if ticket.location is None:
        return []
    lat, lon = ticket.location.lat, ticket.location.lon
    rows = await ctx.uow.tickets.find_open_nearby(ticket.category_id, lat, lon,
                                                  DUPLICATE_RADIUS_M)
    near = sorted(
        (geo.great_circle_m(lat, lon, r.lat, r.lon), r.number) for r in rows
        if r.number != ticket.number and r.lat is not None and r.lon is not None
        and geo.great_circle_m(lat, lon, r.lat, r.lon) <= DUPLICATE_RADIUS_M
    )[:DUPLICATE_CHOICES]
    texts = ctx.texts
    return [
        button(texts("choices.duplicate_option", ticket=label(number), metres=round(metres)),
               TicketPress(ticket.number, operation.value, ticket.status, str(number)))
        for metres, number in near
    ]
