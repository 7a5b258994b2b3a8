"""The service requests a GET asks for, newest first."""

from __future__ import annotations

from datetime import timedelta

from bot.web.open311.mapping import statuses_for
from bot.web.open311.params import RequestsQuery
from storage.repositories.console import TicketFilter, TicketSummary
from storage.uow import UnitOfWork


async def find_requests(uow: UnitOfWork, query: RequestsQuery,
                        limit: int) -> list[TicketSummary]:
    if query.numbers:
        return await uow.console.summaries(list(query.numbers))
    assert query.start is not None and query.end is not None
    wanted = TicketFilter(
        now=query.end,
        statuses=statuses_for(list(query.statuses)) if query.statuses else None,
        category_ids=query.service_codes or None,
        reported_from=query.start,
        # end_date is the latest time included.
        reported_to=query.end + timedelta(microseconds=1),
    )
    return await uow.console.page(wanted, "-reported", offset=0, limit=limit)
