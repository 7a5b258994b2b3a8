"""Reports whose time is up: an album that stopped arriving, a grace period that ran out
(the bot may now ask for the missing piece, see `nudges.py`), a window that closed.

The periodic job only notices them: it claims each row with a conditional update and queues
an internal event, so the work itself happens in the chat's order (a location already
received but not yet handled still comes first). Two runs at once claim each row once, and
the inbox's unique key would drop a second event anyway.
"""

from __future__ import annotations

from handlers import registry
from handlers.context import Context
from handlers.intake.filing import reporter_person
from handlers.intake.progress import advance, file_pending, report_of
from handlers.intake.replies import chat_of, tell_expired
from handlers.later import enqueue_internal
from messaging.inbound import Internal
from storage.models import PendingReportRow
from storage.repositories.pending import TAKING_PIECES

ALBUM_CLOSED = "intake.album_closed"
EXPIRED = "intake.expired"
BATCH = 100


@registry.periodic("pending_reports", 60)
async def pending_reports_due(ctx: Context) -> bool:
    settled = await ctx.uow.pending.albums_settled(ctx.now, BATCH)
    for row in settled:
        assert row.settle_at is not None
        if await ctx.uow.pending.claim_settled(row.id, row.settle_at):
            await _queue(ctx, row, ALBUM_CLOSED, f"{row.id}:{row.settle_at.timestamp()}")
    expired = await ctx.uow.pending.expired(ctx.now, BATCH)
    for row in expired:
        if await ctx.uow.pending.claim_expiry(row.id):
            await _queue(ctx, row, EXPIRED, str(row.id))
    return len(settled) == BATCH or len(expired) == BATCH


async def _queue(ctx: Context, row: PendingReportRow, kind: str, key: str) -> None:
    report = report_of(row)
    await enqueue_internal(ctx.uow, kind=kind, key=key, chat=chat_of(row),
                           person=reporter_person(report), data={"pending_id": row.id},
                           now=ctx.now)


@registry.internal(ALBUM_CLOSED)
async def on_album_closed(event: Internal, ctx: Context) -> None:
    row = await _row(event, ctx)
    if row is None or row.status not in TAKING_PIECES:
        return
    if row.settle_at is not None:
        return  # more pieces came after the claim; a later round settles the report
    await advance(ctx, row, report_of(row), settled=True)


@registry.internal(EXPIRED)
async def on_expired(event: Internal, ctx: Context) -> None:
    row = await _row(event, ctx)
    if row is None or row.status != "expiring":
        return  # a piece that arrived in time completed it meanwhile
    report = report_of(row)
    if report.complete:
        # Complete but held back (an album never closed): file rather than lose it.
        await file_pending(ctx, row, report)
        return
    row.status = "expired"
    if report.is_report:
        tell_expired(ctx, row, report)


async def _row(event: Internal, ctx: Context) -> PendingReportRow | None:
    pending_id = event.data.get("pending_id")
    if not isinstance(pending_id, int):
        return None
    return await ctx.uow.pending.get(pending_id, for_update=True)
