"""Buttons on ticket cards."""

from __future__ import annotations

import logging

from domain.ticket import Actor
from handlers import registry
from handlers.context import Context
from handlers.inbound import ButtonPress
from handlers.outbound import AnswerButton
from handlers.tickets.keyboards import parse_ticket_press
from handlers.tickets.publish import announce_status

log = logging.getLogger(__name__)


@registry.button("t")
async def on_ticket_button(press: ButtonPress, ctx: Context) -> None:
    texts = ctx.texts_for(press.sender)
    parsed = parse_ticket_press(press.data)
    ticket = await ctx.uow.tickets.get(parsed.number, for_update=True) if parsed else None
    if parsed is None or ticket is None or ticket.status != parsed.status:
        log.warning("stale or forged button", extra={"data": press.data[:64],
                                                      "user_id": press.sender.id})
        ctx.send(AnswerButton(callback_id=press.callback_id, text=texts("error.stale_button"),
                              alert=True))
        return
    actor = Actor(press.sender.id, ctx.directory.person_name(press.sender.id,
                                                             press.sender.full_name))
    if parsed.action == "acknowledge":
        ticket.acknowledge(actor, ctx.now)
    await ctx.uow.tickets.save(ticket)
    await announce_status(ctx, ticket)
    ctx.send(AnswerButton(callback_id=press.callback_id,
                          text=texts("status." + ticket.status.value)))
