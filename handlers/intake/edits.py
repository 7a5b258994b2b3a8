"""Edited messages: a corrected caption or text changes the report it belongs to.

Edits of a filed report update the ticket's description (an event in its log), and so its
cards. A live location's moves arrive as edits too; only its first position counts.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.intake.assembly import check_length
from handlers.intake.categories import matched_category
from handlers.intake.filing import actor_of
from handlers.intake.pending_report import PendingReport
from handlers.intake.progress import advance, keep, report_of
from messaging.inbound import Message
from storage.models import PendingReportRow
from storage.repositories.pending import TAKING_PIECES


async def on_edit(message: Message, ctx: Context) -> bool:
    """False when the edited message is no part of any report."""
    if message.location is not None:
        return True  # a live location moving: its first position was used
    for row in await ctx.uow.pending.recent_for(message.chat.id, message.sender.id):
        report = report_of(row)
        if message.message_id in report.message_ids:
            break
    else:
        return False
    check_length(message, ctx)
    describes = matched_category(ctx.directory, message.text) is not None
    if report.edit_text(message.message_id, message.text, describes):
        keep(row, report)
        await _apply(message, ctx, row, report)
    return True


async def _apply(message: Message, ctx: Context, row: PendingReportRow,
                 report: PendingReport) -> None:
    if row.status in TAKING_PIECES:
        await advance(ctx, row, report)
        return
    if row.status != "filed" or row.ticket_number is None:
        return
    ticket = await ctx.uow.tickets.get(row.ticket_number, for_update=True)
    # A report that joined someone else's ticket does not rewrite their description.
    if ticket is None or ticket.reporter.user_id != message.sender.id \
            or ticket.message_id not in report.message_ids:
        return
    description = report.description()
    if description == ticket.description:
        return
    ticket.edit_description(actor_of(message.sender), ctx.now, description)
