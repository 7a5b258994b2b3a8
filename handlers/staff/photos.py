"""Photos sent as a reply to a message about a ticket are added to the ticket, rather than
starting a new report: by the staff, as a progress photo while it is open and as the after
photo once resolved; by a reporter, as one more photo of the problem. Others are told they
may not. (A photo captioned `/resolve 42` is a command, and its photo the after photo.)

Plain messages reach the report intake first: it calls `take_ticket_photo` before treating a
photo as a report, or passes the message on (returns False) to the handler registered here.
"""

from __future__ import annotations

from domain.permissions import Operation
from domain.ticket import label
from handlers import registry
from handlers.context import Context
from handlers.staff.parsing import replied_ticket
from handlers.tickets import access
from handlers.tickets.notices import report_thread
from messaging.inbound import Message
from messaging.outbound import SendPhoto


@registry.messages
async def take_ticket_photo(message: Message, ctx: Context) -> bool:
    """Add a photo that replies to a message about a ticket; False leaves it to others."""
    if message.photo is None or message.edited or message.command is not None:
        return False
    number = await replied_ticket(ctx, message)
    if number is None:
        return False
    await _add_photo(ctx, message, number)
    return True


async def _add_photo(ctx: Context, message: Message, number: int) -> None:
    assert message.photo is not None
    ticket = await access.load(ctx, number)
    await access.require(ctx, Operation.ADD_PHOTO, message.sender, ticket)
    actor = access.actor_of(ctx, message.sender)
    staff = ctx.directory.roles(message.sender.id, ticket.department_id).works_here
    kind = "before" if not staff else ("progress" if ticket.is_open else "after")
    added = await ctx.uow.tickets.add_photo(
        ticket, file_id=message.photo.file_id, file_unique_id=message.photo.file_unique_id,
        kind=kind, now=ctx.now, added_by=message.sender.id)
    if not added:
        return
    ticket.add_photo(actor, ctx.now, kind=kind)
    # The cards count the photos of the problem; an after photo is shown in the thread.
    await ctx.consequences.settle()
    texts = ctx.texts
    line = texts(f"photos.added_{kind}", ticket=label(ticket.number), name=actor.name)
    if kind == "after":
        # The group sees the result, in the report's thread like every other change.
        ctx.send(SendPhoto(chat_id=ticket.chat_id, photo=message.photo.file_id, caption=line,
                           reply_to=report_thread(ticket), ticket=ticket.number))
    if kind != "after" or message.chat.id != ticket.chat_id:
        ctx.reply(message, line)
