"""Picking the category of a report no keyword matched (the buttons on its card)."""

from __future__ import annotations

import logging

from domain.ticket import Actor, Ticket
from handlers import registry
from handlers.context import Context
from handlers.intake.categories import OTHER
from handlers.tickets.keyboards import parse_category_press
from handlers.tickets.publish import department_chat, hand_over, refresh
from handlers.workflow.schedule import plan
from messaging.inbound import ButtonPress
from messaging.outbound import AnswerButton

log = logging.getLogger(__name__)


@registry.button("c")
async def on_category_button(press: ButtonPress, ctx: Context) -> None:
    texts = ctx.texts_for(press.sender)
    parsed = parse_category_press(press.data)
    ticket = await ctx.uow.tickets.get(parsed.number, for_update=True) if parsed else None
    if (parsed is None or ticket is None or not ticket.is_open
            or ticket.category_id != OTHER or parsed.category_id == OTHER
            or parsed.category_id not in ctx.directory.categories):
        log.warning("stale or forged category button",
                    extra={"data": press.data[:64], "user_id": press.sender.id})
        _answer(ctx, press, texts("error.stale_button"), alert=True)
        return
    if not _may_pick(press.sender.id, ticket, ctx):
        _answer(ctx, press, texts("intake.category_not_permitted"), alert=True)
        return
    actor = Actor(press.sender.id, ctx.directory.person_name(press.sender.id,
                                                             press.sender.full_name))
    previous_chat = department_chat(ctx, ticket)
    previous_department = ticket.department_id
    ticket.change_category(actor, ctx.now, parsed.category_id)
    if ticket.acknowledged_at is None:
        _reroute(ticket, actor, ctx)
    await ctx.uow.tickets.save(ticket)
    # The category sets the time limits.
    await plan(ctx, ticket)
    if ticket.department_id != previous_department:
        await hand_over(ctx, ticket, previous_chat)
    else:
        await refresh(ctx, ticket)
    _answer(ctx, press, texts("intake.category_set", category=ctx.directory.category_name(
        parsed.category_id, texts.lang)))


def _may_pick(user_id: str, ticket: Ticket, ctx: Context) -> bool:
    """The reporter, anyone working for the ticket's department, or an admin."""
    return (user_id == ticket.reporter.user_id
            or ctx.directory.roles(user_id, ticket.department_id).works_here)


def _reroute(ticket: Ticket, actor: Actor, ctx: Context) -> None:
    """Nobody has taken the ticket up yet, so it goes where the new category belongs."""
    if ticket.location is None:
        return
    department = ctx.services.areas.route(ticket.category_id, ticket.location.lat,
                                          ticket.location.lon)
    if department is None or department == ticket.department_id:
        return
    if ticket.department_id is None:
        ticket.assign(department, ctx.now, actor)
    else:
        ticket.transfer(actor, ctx.now, department)


def _answer(ctx: Context, press: ButtonPress, text: str, *, alert: bool = False) -> None:
    ctx.send(AnswerButton(callback_id=press.callback_id, text=text[:200], alert=alert))
