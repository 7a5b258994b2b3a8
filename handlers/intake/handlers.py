"""Report intake: messages from riders become reports, and complete reports become tickets.

A report usually arrives in pieces (Telegram cannot attach a location to a photo); the pieces
wait in `pending_reports` until the report is complete or its window closes. See
`assembly.py` for how pieces find their report and `pending_report.py` for when a report is
complete.
"""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.intake.assembly import take
from handlers.intake.documents import could_be_image
from handlers.intake.edits import on_edit
from handlers.intake.replies import REPORT_LIKE_MEDIA, tell_unsupported
from messaging.inbound import Message


@registry.messages
async def on_message(message: Message, ctx: Context) -> bool:
    """True when intake took the message; False leaves it to the features after it."""
    chat = message.chat
    if message.from_bot or not (chat.is_private or ctx.directory.is_liaison_group(chat.id)):
        return False
    if await _answers_a_ticket(message, ctx):
        return False  # a photo for a filed ticket (staff progress, the after photo…)
    if message.edited:
        return await on_edit(message, ctx)
    if message.unsupported:
        # In a group a sticker is conversation; a video may have been meant as a report.
        if chat.is_private or message.unsupported in REPORT_LIKE_MEDIA:
            tell_unsupported(ctx, message.chat, message.sender, message.message_id,
                             message.unsupported)
            return True
        return False
    if message.document is not None and not could_be_image(message.document):
        tell_unsupported(ctx, message.chat, message.sender, message.message_id, "document")
        return True
    if message.has_content:
        return await take(message, ctx)
    return False


async def _answers_a_ticket(message: Message, ctx: Context) -> bool:
    """A photo replying to one of the bot's messages about a ticket belongs to that ticket."""
    if message.photo is None or message.reply_to is None or not message.reply_to.from_bot:
        return False
    return await ctx.uow.refs.ticket_of_message(message.chat.id,
                                                message.reply_to.message_id) is not None
