"""Acting on a ticket, the same way from a command or a button: check who may and change the
ticket. Saving it, keeping its schedule and telling everyone who should know follow from the
change (`handlers/consequences/`)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, TicketNotFound, UnknownDepartment
from domain.permissions import Operation
from domain.ticket import Actor, Ticket, label
from handlers.context import Context
from handlers.tickets import access
from handlers.tickets.notices import change_line
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
    texts = ctx.texts_for(request.person)
    if request.operation is Operation.NOTE:
        ticket.add_note(actor, ctx.now, request.text)
        line = texts("staff.noted", ticket=label(ticket.number))
    else:
        await _change(ctx, ticket, actor, request)
        line = change_line(ctx, ticket, texts, public=False)
    # The person who asked hears after everyone else was told.
    await ctx.consequences.settle()
    return Outcome(ticket, line)


async def _change(ctx: Context, ticket: Ticket, actor: Actor, request: Request) -> None:
    """Apply the operation."""
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
        if request.original != ticket.number \
                and await ctx.uow.tickets.get(request.original, for_update=True) is None:
            raise TicketNotFound(request.original)
        ticket.mark_duplicate(actor, now, request.original)
    else:
        raise ValueError(f"not a change: {op}")


async def _add_after_photo(ctx: Context, ticket: Ticket, actor: Actor,
                           photo: PhotoFile) -> None:
    await ctx.uow.tickets.add_photo(ticket, file_id=photo.file_id,
                                    file_unique_id=photo.file_unique_id, kind="after",
                                    now=ctx.now, added_by=actor.user_id)
    ticket.add_photo(actor, ctx.now, kind="after")
