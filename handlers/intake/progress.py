"""After every new piece: file the report, ask for what is missing, or wait for more."""

from __future__ import annotations

from domain.ticket import Actor
from handlers.context import Context
from handlers.intake.filing import Draft, file_report
from handlers.intake.holds import hold_if_over_limit
from handlers.intake.nudges import wait_or_ask, withdraw
from handlers.intake.pending_report import PendingReport, PhotoPart
from handlers.intake.replies import chat_of, pass_to_admins
from storage.models import PendingReportRow
from storage.repositories.pending import TAKING_PIECES


def report_of(row: PendingReportRow) -> PendingReport:
    return PendingReport.from_json(row.data)


def keep(row: PendingReportRow, report: PendingReport) -> None:
    # A new dict, so the change is noticed and written.
    row.data = report.to_json()
    # The file reader looks for this column: the first file not read yet.
    row.fetch_file_id = report.files[0].file_id if report.files else None


async def advance(ctx: Context, row: PendingReportRow, report: PendingReport, *,
                  settled: bool = False) -> None:
    """`settled`: called from the settle job's event, after everything the chat sent before
    it was handled; only then may the bot ask for a missing piece."""
    if row.status not in TAKING_PIECES:
        return
    if report.files:
        return  # a file is being read; its result moves the report on
    if row.settle_at is not None and row.settle_at > ctx.now:
        return  # an album is still arriving, or the grace period runs
    if report.complete:
        await file_pending(ctx, row, report)
    else:
        await wait_or_ask(ctx, row, report, settled=settled)


async def file_pending(ctx: Context, row: PendingReportRow, report: PendingReport) -> None:
    assert report.place is not None
    draft = Draft.from_report(report, chat_of(row))
    row.settle_at = None
    withdraw(ctx, row)
    if not ctx.services.areas.in_service_area(report.place.lat, report.place.lon):
        pass_to_admins(ctx, draft)
        row.status = "outside"
        return
    if await hold_if_over_limit(ctx, row, draft):
        return
    filed = await file_report(ctx, draft)
    row.status = "filed"
    row.ticket_number = filed.ticket.number


async def add_late_photo(ctx: Context, row: PendingReportRow, photo: PhotoPart) -> None:
    """A photo of an album that arrived after its report was filed joins the ticket."""
    report = report_of(row)
    report.add_photo(photo)
    keep(row, report)
    if row.ticket_number is None:
        return
    ticket = await ctx.uow.tickets.get(row.ticket_number, for_update=True)
    if ticket is None or not ticket.is_open:
        return
    added = await ctx.uow.tickets.add_photo(
        ticket, file_id=photo.file_id, file_unique_id=photo.file_unique_id, kind="before",
        now=ctx.now, added_by=report.reporter.id)
    if not added:
        return
    ticket.add_photo(Actor(report.reporter.id, report.reporter.full_name), ctx.now)
