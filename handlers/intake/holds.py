"""Holding reports from a reporter over the limit, for the admins to release or reject.

One decision point before a report becomes a ticket (`hold_if_over_limit`): a reporter who
has opened more tickets lately than `[intake] reporter_limit_per_hour` and `reporter_burst`
allow (see `domain.reporter_limit`) gets the report kept as `held` — not filed, not dropped.
The reporter is told once; the admins see every held report in one message that is edited
as more arrive (`held_list.py`), with buttons to release or reject them. Staff and admins are
exempt, and without an admins' chat nobody could release anything, so nothing is held.
"""

from __future__ import annotations

import logging

from domain.reporter_limit import ReporterLimit
from handlers.context import Context
from handlers.intake.filing import Draft
from handlers.intake.held_list import show_held
from handlers.intake.replies import texts_in
from messaging.outbound import SendText, Target
from storage.models import PendingReportRow

log = logging.getLogger(__name__)

HOLD_LISTS = "hold_lists"


def reporter_limit(ctx: Context) -> ReporterLimit:
    intake = ctx.services.rules.intake
    return ReporterLimit(per_hour=intake.reporter_limit_per_hour, burst=intake.reporter_burst)


async def hold_if_over_limit(ctx: Context, row: PendingReportRow, draft: Draft) -> bool:
    """Hold the report when its reporter is over the limit; True when it was held."""
    limit = reporter_limit(ctx)
    reporter = draft.reporter.id
    if (not limit.enabled or ctx.directory.admin_chat_id is None
            or ctx.directory.is_staff_anywhere(reporter)):
        return False
    filed = await ctx.uow.tickets.reported_by(reporter, ctx.now - limit.lookback)
    if limit.allows(filed, ctx.now):
        return False
    held = await ctx.uow.pending.held()
    row.status = "held"
    row.held_at = ctx.now
    row.settle_at = None
    row.hold_list = held[0].hold_list if held and held[0].hold_list else \
        await ctx.uow.tickets.next_value(HOLD_LISTS)
    if not any(other.user_id == reporter for other in held):
        _tell_reporter(ctx, draft)
    log.info("report held: its reporter is over the limit",
             extra={"pending_id": row.id, "user_id": reporter, "held": len(held) + 1})
    await show_held(ctx, row.hold_list, fresh=not held)
    return True


def _tell_reporter(ctx: Context, draft: Draft) -> None:
    texts = texts_in(ctx, draft.chat, draft.reporter)
    ctx.send(SendText(
        chat_id=draft.chat.id, text=texts("holds.told"),
        reply_to=Target(draft.chat.id, draft.message_id) if draft.message_id else None))
