"""Scheduled steps on one ticket: escalating an unacknowledged ticket (A/B post, then the
supervisors), reminding about an overdue resolution, closing an unanswered verification.

Each step is recorded on the ticket (its level, or the close), so running it twice — two
workers, or a retry — finds nothing left to do.
"""

from __future__ import annotations

import logging

from domain.ticket import SYSTEM, CloseReason, Ticket
from handlers.context import Context
from handlers.tickets.card import department_card
from handlers.tickets.notices import audience
from handlers.tickets.publish import (
    announcement_target,
    before_photo_count,
    department_chat,
    notice_chat,
    notice_ref,
    notice_text,
)
from handlers.workflow import sla
from handlers.workflow.schedule import plan, windows_for
from messaging.outbound import SendText

log = logging.getLogger(__name__)


async def check_ticket(ctx: Context, number: int) -> None:
    """Take every step that fell due for the ticket; the notices, the cards and its next
    check follow from the steps recorded (`handlers/consequences/`)."""
    ticket = await ctx.uow.tickets.get(number, for_update=True)
    if ticket is None:
        return
    steps = sla.due_steps(ticket, windows_for(ctx, ticket), ctx.now)
    if not steps:
        # Claimed by its check time but nothing was due (the log changed since): look again
        # when something will be, or the ticket would be claimed again at once.
        await plan(ctx, ticket)
        return
    for step in steps:
        if step.kind is sla.StepKind.ESCALATE:
            ticket.escalate(step.level, ctx.now, step.audience)
        elif step.kind is sla.StepKind.REMIND:
            ticket.remind(step.level, ctx.now, step.audience)
        else:
            ticket.close(SYSTEM, ctx.now, CloseReason.UNVERIFIED)
    log.info("scheduled steps taken", extra={"ticket": number,
                                             "steps": [s.kind.value for s in steps]})


async def send_notice(ctx: Context, ticket: Ticket, index: int) -> None:
    """The ticket again, to the people the step names: in the department's chat (as a reply
    to its announcement) and privately to those of them who started the bot."""
    event = ticket.events[index]
    photos = await before_photo_count(ctx, ticket)
    text = await notice_text(ctx, ticket, event, photos=photos)
    buttons = department_card(ticket, ctx, photos=photos).buttons
    chat_id = notice_chat(ctx, ticket)
    if chat_id is not None:
        reply_to = (await announcement_target(ctx, ticket)
                    if chat_id == department_chat(ctx, ticket) else None)
        ctx.send(SendText(chat_id=chat_id, text=text, buttons=buttons, reply_to=reply_to,
                          ref=notice_ref(ticket.number, index), ticket=ticket.number))
    people = set(audience(ctx, ticket, str(event.data.get("audience", ""))))
    for user_id in people:
        user = await ctx.uow.users.get(user_id)
        if user is not None and user.private_chat:
            ctx.send(SendText(chat_id=user_id, text=text, buttons=buttons,
                              ticket=ticket.number))
