"""Staff commands, in the liaison groups, the department chats and private chats.

Each handler reads its arguments, asks `actions.perform`, and tells the sender how it went
when the report's thread (where everyone is told) is in another chat.
"""

from __future__ import annotations

from domain.permissions import Operation
from handlers import registry
from handlers.context import Context
from handlers.staff import (
    lists,
    photos,  # noqa: F401  (registers the photos-about-a-ticket handler)
    view,
)
from handlers.staff.actions import Request, perform
from handlers.staff.parsing import (
    addressed,
    department_list,
    find_department,
    ticket_number,
    usage,
)
from messaging.inbound import Message, PhotoFile


async def _act(message: Message, ctx: Context, operation: Operation, *,
               needs_text: bool = False) -> None:
    target = await addressed(ctx, message)
    if needs_text and not target.rest:
        raise usage(ctx, message, "missing_text")
    photo = _after_photo(message) if operation is Operation.RESOLVE else None
    await _perform(message, ctx, Request(operation, target.number, message.sender,
                                         text=target.rest, photo=photo))


async def _perform(message: Message, ctx: Context, request: Request) -> None:
    outcome = await perform(ctx, request)
    if message.chat.id != outcome.ticket.chat_id or request.operation is Operation.NOTE:
        ctx.reply(message, outcome.line)


def _after_photo(message: Message) -> PhotoFile | None:
    """The photo of the command's own message, or of the message it replies to."""
    if message.photo is not None:
        return message.photo
    if message.reply_to is not None and not message.reply_to.from_bot:
        return message.reply_to.photo
    return None


@registry.command("ack", help_key="help.ack", staff_only=True)
async def ack(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.ACKNOWLEDGE)


@registry.command("take", help_key="help.take", staff_only=True)
async def take(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.TAKE)


@registry.command("progress", help_key="help.progress", staff_only=True)
async def progress(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.PROGRESS)


@registry.command("resolve", help_key="help.resolve", staff_only=True)
async def resolve(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.RESOLVE)


@registry.command("reject", help_key="help.reject", staff_only=True)
async def reject(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.REJECT, needs_text=True)


@registry.command("reopen", help_key="help.reopen")
async def reopen(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.REOPEN, needs_text=True)


@registry.command("note", help_key="help.note")
async def note(message: Message, ctx: Context) -> None:
    await _act(message, ctx, Operation.NOTE, needs_text=True)


@registry.command("dup", help_key="help.dup", staff_only=True)
async def duplicate(message: Message, ctx: Context) -> None:
    target = await addressed(ctx, message)
    head, _, _ = target.rest.partition(" ")
    original = ticket_number(head) if head else None
    if original is None:
        raise usage(ctx, message, "missing_original")
    await _perform(message, ctx, Request(Operation.MARK_DUPLICATE, target.number,
                                         message.sender, original=original))


@registry.command("transfer", help_key="help.transfer", staff_only=True)
async def transfer(message: Message, ctx: Context) -> None:
    target = await addressed(ctx, message)
    name, _, reason = target.rest.partition(" ")
    lang = ctx.texts_for(message.sender).lang
    if not name:
        raise usage(ctx, message, "missing_department", departments=department_list(ctx, lang))
    department = find_department(ctx, name)
    if department is None:
        raise usage(ctx, message, "unknown_department", department=name,
                    departments=department_list(ctx, lang))
    await _perform(message, ctx, Request(Operation.TRANSFER, target.number, message.sender,
                                         text=reason.strip(), department_id=department))


@registry.command("ticket", help_key="help.ticket")
async def show_ticket(message: Message, ctx: Context) -> None:
    target = await addressed(ctx, message)
    await view.show(ctx, message, target.number)


@registry.command("open", help_key="help.open")
async def open_tickets(message: Message, ctx: Context) -> None:
    await lists.show(ctx, message, lists.OPEN)


@registry.command("mine", help_key="help.mine")
async def my_tickets(message: Message, ctx: Context) -> None:
    await lists.show(ctx, message, lists.MINE)


@registry.command("overdue", help_key="help.overdue", staff_only=True)
async def overdue_tickets(message: Message, ctx: Context) -> None:
    await lists.show(ctx, message, lists.OVERDUE)
