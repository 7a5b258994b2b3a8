"""Keeping a ticket's deadlines and its next scheduled check in step with its log."""

from __future__ import annotations

from datetime import timedelta

from domain.ticket import Ticket
from handlers.context import Context
from handlers.workflow import sla


def windows_for(ctx: Context, ticket: Ticket) -> sla.Windows:
    """The service levels of the ticket's category, and the reporter's time to answer."""
    return sla.Windows(
        ack=ctx.directory.ack_window(ticket.category_id),
        resolve=ctx.directory.resolve_window(ticket.category_id),
        verify=timedelta(hours=ctx.services.rules.workflow.verify_hours),
    )


async def plan(ctx: Context, ticket: Ticket) -> None:
    """Store the deadlines and when the workflow job should next look at the ticket. Every
    change has it as a consequence (`handlers/consequences/`), so none leaves a ticket
    unwatched."""
    windows = windows_for(ctx, ticket)
    when = sla.next_check(ticket, windows)
    await ctx.uow.tickets.set_schedule(
        ticket, ack_due_at=sla.ack_due(ticket, windows),
        resolve_due_at=sla.resolve_due(ticket, windows), next_check_at=when)
    if when is not None:
        # The periodic round would notice too, but a wake-up makes it happen on the minute.
        ctx.wake_at(when)
