"""Finding a ticket and checking that a person may act on it — shared by commands, card
buttons and the reporter's answers."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain import permissions
from domain.errors import DomainError, TicketNotFound
from domain.identity import short
from domain.permissions import Operation, Standing
from domain.ticket import Actor, Ticket
from handlers.context import Context
from messaging.inbound import ButtonPress, Person
from messaging.outbound import AnswerButton

log = logging.getLogger(__name__)


async def load(ctx: Context, number: int) -> Ticket:
    """The ticket, locked for this unit of work on PostgreSQL; TicketNotFound if none."""
    ticket = await ctx.uow.tickets.get(number, for_update=True)
    if ticket is None:
        raise TicketNotFound(number)
    return ticket


def actor_of(ctx: Context, person: Person) -> Actor:
    """Configured names win: staff are known by the name their colleagues use."""
    return Actor(person.id, ctx.directory.person_name(
        person.id, person.full_name or person.first_name or short(person.id)))


async def is_reporter(ctx: Context, ticket: Ticket, user_id: str) -> bool:
    if ticket.reporter.user_id == user_id:
        return True
    return any(f.user_id == user_id for f in await ctx.uow.tickets.followers(ticket))


async def standing(ctx: Context, user_id: str, ticket: Ticket) -> Standing:
    roles = ctx.directory.roles(user_id, ticket.department_id)
    return Standing(admin=roles.admin, staff=roles.staff, backup=roles.backup,
                    supervisor=roles.supervisor,
                    reporter=await is_reporter(ctx, ticket, user_id))


def reopen_window(ctx: Context) -> timedelta:
    return timedelta(days=ctx.services.rules.workflow.reporter_reopen_days)


async def require(ctx: Context, operation: Operation, person: Person, ticket: Ticket) -> None:
    """Raise the domain error that explains a refusal (the processor replies with it)."""
    who = await standing(ctx, person.id, ticket)
    try:
        permissions.require(operation, who, ticket, ctx.now, reopen_window(ctx))
    except DomainError:
        log.info("refused", extra={"ticket": ticket.number, "operation": operation.value,
                                   "user_id": person.id})
        raise


async def may(ctx: Context, operation: Operation, person: Person, ticket: Ticket) -> bool:
    who = await standing(ctx, person.id, ticket)
    return permissions.decide(operation, who, ticket, ctx.now, reopen_window(ctx)).allowed


async def press_is_about(ctx: Context, press: ButtonPress, number: int) -> bool:
    """A button's data must name the ticket the pressed message is about; anything else is a
    forged press, or a button copied onto another message."""
    if press.message_id is None:
        return False
    return await ctx.uow.refs.ticket_of_message(press.chat.id, press.message_id) == number


def refuse_press(ctx: Context, press: ButtonPress, why: str) -> None:
    """Refuse a stale or forged press with an alert, and leave a trace for the admins."""
    log.warning("button refused", extra={"why": why, "data": press.data[:64],
                                         "user_id": press.sender.id, "chat_id": press.chat.id})
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id,
                          text=ctx.texts_for(press.sender)("error.stale_button"), alert=True))
