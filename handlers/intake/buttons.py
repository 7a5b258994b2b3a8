"""Picking the category of a report no keyword matched: the buttons on its card, or
`/category` (typed 「分类 42 道路破损」) where there are no buttons."""

from __future__ import annotations

import logging

from domain.errors import DomainError, UnknownCategory
from domain.ticket import Actor, Ticket, label
from handlers import registry
from handlers.context import Context
from handlers.intake.categories import OTHER
from handlers.staff.parsing import addressed, usage
from handlers.tickets import access
from handlers.tickets.keyboards import parse_category_press
from messaging.inbound import ButtonPress, Message, Person
from messaging.outbound import AnswerButton

log = logging.getLogger(__name__)


class CategoryNotPermitted(DomainError):
    key = "intake.category_not_permitted"


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
    _answer(ctx, press, await set_category(ctx, press.sender, ticket, parsed.category_id))


@registry.command("category", help_key="help.category", menu=False)
async def category_command(message: Message, ctx: Context) -> None:
    """`/category 42 道路破损` (or typed: 「分类 42 道路破损」): what the card's category buttons
    do, where there are no buttons."""
    target = await addressed(ctx, message)
    if not target.rest:
        raise usage(ctx, message, "missing_text")
    category_id = _find_category(ctx, target.rest)
    if category_id is None or category_id == OTHER:
        raise UnknownCategory(target.rest)
    ticket = await access.load(ctx, target.number)
    if not ticket.is_open or ticket.category_id != OTHER:
        raise CategoryAlreadySet(ticket.number)
    if not _may_pick(message.sender.id, ticket, ctx):
        raise CategoryNotPermitted()
    ctx.reply(message, await set_category(ctx, message.sender, ticket, category_id),
              ticket=ticket.number)


class CategoryAlreadySet(DomainError):
    key = "intake.category_already_set"

    def __init__(self, number: int) -> None:
        super().__init__(ticket=label(number))


def _find_category(ctx: Context, name: str) -> str | None:
    wanted = name.strip().casefold()
    for category in ctx.directory.categories.values():
        if wanted in {n.casefold() for n in (category.id, category.name, category.name_en) if n}:
            return category.id
    return None


async def set_category(ctx: Context, person: Person, ticket: Ticket, category_id: str) -> str:
    """Set the category of a ticket no keyword matched, send it where it now belongs, and
    return what the person is told."""
    texts = ctx.texts_for(person)
    actor = Actor(person.id, ctx.directory.person_name(person.id, person.full_name))
    ticket.change_category(actor, ctx.now, category_id)
    if ticket.acknowledged_at is None:
        _reroute(ticket, actor, ctx)
    # Saving, the new time limits and the hand-over follow from the change itself.
    await ctx.consequences.settle()
    return texts("intake.category_set",
                 category=ctx.directory.category_name(category_id, texts.lang))


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
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id, text=text[:200],
                          alert=alert))
