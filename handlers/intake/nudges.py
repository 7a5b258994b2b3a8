"""Asking for the missing piece of a report: once, and only after a grace period.

A rider sends a photo and then, a few seconds later, the location (or the other way round).
Asking for the second piece the moment the first arrives puts a request in the group just
before the piece it asks for. So the bot waits `intake.grace_seconds` from the first piece,
and asks only if the report is still incomplete then.

The wait is the row's `settle_at` (the moment the bot acts on what it has, shared with albums
still arriving). The request is never sent while a message is being handled: it comes from
the settle job's internal event, which is queued behind everything the chat already sent, so
a piece already received but not yet handled (a backlog after downtime) still comes first.
A request that went out and is then answered is deleted (`withdraw`), where the platform
allows.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.intake.pending_report import PendingReport
from handlers.intake.replies import ask_for_content, ask_for_location, chat_of
from messaging.outbound import DeleteMessage, Target
from storage.models import PendingReportRow


def ask_ref(row: PendingReportRow) -> str:
    """The name the request is sent under, so it can be deleted once answered."""
    return f"intake-ask:{row.id}"


async def wait_or_ask(ctx: Context, row: PendingReportRow, report: PendingReport, *,
                      settled: bool) -> None:
    """The report is incomplete: ask for what is missing if its grace period is over and the
    chat's earlier messages are handled (`settled`), else wait until then."""
    wanted = report.missing
    if wanted is None or row.asked:
        return
    due = row.started_at + timedelta(seconds=ctx.services.rules.intake.grace_seconds)
    if not settled or ctx.now < due:
        # Past the grace period already (a backlog, a file read late): settle now, under a
        # new moment, since the settle job's event for an earlier one may have come and gone.
        row.settle_at = max(due, ctx.now)
        ctx.wake_at(row.settle_at)
        return
    if wanted == "location":
        ask_for_location(ctx, row, report, ref=ask_ref(row))
    else:
        await ask_for_content(ctx, row, report, ref=ask_ref(row))
    row.asked = True


def withdraw(ctx: Context, row: PendingReportRow) -> None:
    """The report is complete (or handed on): a request sent for it no longer applies."""
    if row.asked:
        chat = chat_of(row)
        ctx.send(DeleteMessage(target=Target(chat.id, ref=ask_ref(row))))
