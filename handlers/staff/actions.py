"""Acting on a ticket, the same way from a command or a button: check who may, change the
ticket, save it, keep its schedule, and tell everyone who should know."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, TicketNotFound, UnknownDepartment
from domain.permissions import Operation
from domain.ticket import Actor, Ticket, label
from handlers.context import Context
from handlers.tickets import access
from handlers.tickets.notices import change_line, tell_about_change, tell_department
from handlers.tickets.publish import department_chat, hand_over, refresh
from handlers.workflow.schedule import plan
from handlers.workflow.verification import ask_reporters
from messaging.inbound import Person, PhotoFile


class AlreadyResponsible(DomainError):
    key = "error.already_responsible"

    def __init__(self, number: int, department: str) -> None:
        super().__init__(number=number, department=department)


@dataclass(frozen=True)
class Request:
    operation: Operation
    number: int
    person: Person
    # The note of a change, or the reason of a rejection or reopening.
    text: str = ""
    department_id: str = ""
    original: int | None = None
    photo: PhotoFile | None = None


@dataclass(frozen=True)
class Outcome:
    ticket: Ticket
    # What the person who asked is told (in their chat, or as the button's answer).
    line: str


async def perform(ctx: Context, request: Request) -> Outcome:
    ticket = await access.load(ctx, request.number)
    await access.require(ctx, request.operation, request.person, ticket)
    actor = access.actor_of(ctx, request.person)
    if request.operation is Operation.NOTE:
        return await _note(ctx, ticket, actor, request)
    previous_chat = department_chat(ctx, ticket)
    original = await _change(ctx, ticket, actor, request)
    await ctx.uow.tickets.save(ticket)
    await plan(ctx, ticket)
    if request.operation is Operation.TRANSFER:
        await hand_over(ctx, ticket, previous_chat)
    else:
        await refresh(ctx, ticket)
    if request.operation is Operation.RESOLVE:
        await ask_reporters(ctx, ticket,
                            after_photo=request.photo.file_id if request.photo else None)
    else:
        await tell_about_change(ctx, ticket)
    if original is not None:
        await _join_original(ctx, ticket, original)
    texts = ctx.texts_for(request.person)
    return Outcome(ticket, change_line(ctx, ticket, texts, public=False))


async def _change(ctx: Context, ticket: Ticket, actor: Actor,
                  request: Request) -> Ticket | None:
    """Apply the operation; returns the original ticket of a duplicate."""
    now, op = ctx.now, request.operation
    if op is Operation.ACKNOWLEDGE:
        ticket.acknowledge(actor, now)
    elif op is Operation.TAKE:
        ticket.take(actor, now)
    elif op is Operation.PROGRESS:
        ticket.progress(actor, now, request.text)
    elif op is Operation.RESOLVE:
        if request.photo is not None:
            await _add_after_photo(ctx, ticket, actor, request.photo)
        ticket.resolve(actor, now, request.text)
    elif op is Operation.REJECT:
        ticket.reject(actor, now, request.text)
    elif op is Operation.REOPEN:
        ticket.reopen(actor, now, request.text)
    elif op is Operation.TRANSFER:
        if request.department_id not in ctx.directory.departments:
            raise UnknownDepartment(request.department_id)
        if request.department_id == ticket.department_id:
            raise AlreadyResponsible(ticket.number, ctx.directory.department_name(
                request.department_id, ctx.texts.lang))
        ticket.transfer(actor, now, request.department_id, request.text)
    elif op is Operation.MARK_DUPLICATE:
        assert request.original is not None
        original = None
        if request.original != ticket.number:
            original = await ctx.uow.tickets.get(request.original, for_update=True)
            if original is None:
                raise TicketNotFound(request.original)
        ticket.mark_duplicate(actor, now, request.original)
        return original
    else:
        raise ValueError(f"not a change: {op}")
    return None


async def _add_after_photo(ctx: Context, ticket: Ticket, actor: Actor,
                           photo: PhotoFile) -> None:
    await ctx.uow.tickets.add_photo(ticket, file_id=photo.file_id,
                                    file_unique_id=photo.file_unique_id, kind="after",
                                    now=ctx.now, added_by=actor.user_id)
    ticket.add_photo(actor, ctx.now, kind="after")


async def _note(ctx: Context, ticket: Ticket, actor: Actor, request: Request) -> Outcome:
    ticket.add_note(actor, ctx.now, request.text)
    await ctx.uow.tickets.save(ticket)
    roles = ctx.directory.roles(request.person.id, ticket.department_id)
    if not roles.works_here:
        # A reporter's note is news for the staff; staff notes stay in the ticket's log.
        tell_department(ctx, ticket, ctx.texts("staff.reporter_note", ticket=label(ticket.number),
                                               name=actor.name, text=ticket.events[-1].note))
    texts = ctx.texts_for(request.person)
    return Outcome(ticket, texts("staff.noted", ticket=label(ticket.number)))


async def _join_original(ctx: Context, duplicate: Ticket, original: Ticket) -> None:
    """The duplicate's reporters follow the original from now on."""
    known = {f.user_id for f in await ctx.uow.tickets.followers(original)}
    for follower in await ctx.uow.tickets.followers(duplicate):
        if follower.user_id in known:
            continue
        original.add_reporter(Actor(follower.user_id, follower.name), ctx.now,
                              follower.chat_id, follower.message_id)
        await ctx.uow.tickets.add_follower(original, follower.user_id, follower.name,
                                           follower.chat_id, follower.message_id, ctx.now)
    await ctx.uow.tickets.save(original)
    await refresh(ctx, original)
