"""The reporter's answer typed instead of pressed: 「1 已解决」「2 没解决」「满意」, "fixed"…

The same answer as the question's buttons (`verification.apply_answer`: the same checks, the
same changes). Which ticket: the number written after the answer (「满意 42」), else the one
the message replies to, else the sender's most recently resolved ticket still waiting for
that answer. A text that is not exactly an answer is left to the features after this one.
"""

from __future__ import annotations

import logging
import re

from domain.status import Status
from domain.ticket import Ticket, label
from handlers import registry
from handlers.context import Context
from handlers.staff.parsing import replied_ticket, ticket_number
from handlers.tickets import access
from handlers.tickets.keyboards import VerifyPress
from handlers.verbs import answer_words, normal, shown_answer
from handlers.workflow.verification import RATINGS, apply_answer, resolution_round, waits_for
from messaging.inbound import Message
from storage.repositories.tickets import TicketListing

log = logging.getLogger(__name__)

_TRAILING_NUMBER = re.compile(r"^(.*?)\s*([#＃]0*\d{1,9}|\s0*\d{1,9})$")
# How far back a reporter's tickets are looked at for one waiting for an answer.
RECENT = 50


def typed_answer(text: str) -> tuple[str, int | None] | None:
    """(choice code, ticket number or None) when the text is an answer, else None."""
    folded = normal(text)
    words = dict(answer_words())
    if folded in words:
        return words[folded], None
    found = _TRAILING_NUMBER.match(folded)
    if found is None:
        return None
    head, number = found.group(1).strip(), ticket_number(found.group(2).strip())
    if head in words and number is not None:
        return words[head], number
    return None


@registry.messages
async def on_typed_answer(message: Message, ctx: Context) -> bool:
    if message.command is not None or not message.text or message.from_bot:
        return False
    parsed = typed_answer(message.text)
    if parsed is None:
        return False
    if message.text.strip().isdigit() and ctx.capabilities_of(message.chat.id).buttons:
        # A lone 「1」 is an answer only where it is offered as one (no buttons to press).
        return False
    choice, number = parsed
    number = number or await replied_ticket(ctx, message)
    ticket = (await access.load(ctx, number) if number is not None
              else await _waiting(ctx, message, choice))
    if ticket is None:
        if number is None and message.chat.is_private:
            example = f"{shown_answer(ctx.texts_for(message.sender), choice)} 42"
            ctx.reply(message, ctx.texts_for(message.sender)("answer.no_ticket",
                                                             example=example))
            return True
        return False  # in a group a lone 「1」 may be conversation
    if not waits_for(ticket, choice):
        log.info("typed answer for a ticket not waiting for it",
                 extra={"ticket": ticket.number, "choice": choice})
        ctx.reply(message, ctx.texts_for(message.sender)("answer.not_waiting",
                                                         ticket=label(ticket.number)))
        return True
    answer = await apply_answer(ctx, message.sender, ticket,
                                VerifyPress(ticket.number, choice, resolution_round(ticket)))
    if choice in RATINGS and not ctx.capabilities_of(message.chat.id).edit_messages:
        # No edits here, so no card or question will show the rating: the reply says it in
        # the card's words.
        answer = ctx.texts_for(message.sender)("card.rating", rating=answer)
    ctx.reply(message, f"{label(ticket.number)} {answer}", ticket=ticket.number)
    return True


async def _waiting(ctx: Context, message: Message, choice: str) -> Ticket | None:
    """The sender's most recently resolved ticket that waits for this answer."""
    wanted = TicketListing(statuses=frozenset({Status.RESOLVED, Status.CLOSED}),
                           follower_id=message.sender.id)
    _, total = await ctx.uow.tickets.listing(wanted, offset=0, limit=0)
    rows, _ = await ctx.uow.tickets.listing(wanted, offset=max(0, total - RECENT),
                                            limit=RECENT)
    best: Ticket | None = None
    for row in rows:
        ticket = await ctx.uow.tickets.get(row.number)
        if ticket is None or not waits_for(ticket, choice):
            continue
        if best is None or (ticket.resolved_at or ticket.reported_at) > (
                best.resolved_at or best.reported_at):
            best = ticket
    # Locked for this unit of work only once chosen.
    return None if best is None else await access.load(ctx, best.number)
