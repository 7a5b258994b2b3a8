"""The figures' read side as one repository, `uow.queries`: the digest, /stats, the
dashboard, the public pages and the export ask it and render what it returns.

Each concern keeps its own module (scope, tallies, percentiles, series, lists, figures,
today, export); the values returned are plain dataclasses and tuples defined beside them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, tzinfo

from domain.period import Period
from storage.queries import export, figures, lists, series, tallies, today
from storage.queries.export import ExportSize, Row
from storage.queries.figures import Figures, Ratio
from storage.queries.lists import OverdueTicket, Reporter
from storage.queries.percentiles import Spread
from storage.queries.reader import Reader
from storage.queries.scope import Scope
from storage.queries.series import CHART_DAYS, ChartData
from storage.queries.tallies import Tally
from storage.queries.today import Today


class Queries(Reader):
    async def tallies(self, scope: Scope, start: datetime, as_of: datetime,
                      now: datetime) -> dict[str | None, Tally]:
        """Counts per department (None: not yet routed), see storage/queries/tallies.py."""
        return await tallies.tallies(self, scope, start, as_of, now)

    async def figures(self, scope: Scope, period: Period, now: datetime) -> Figures:
        """Every figure of a digest for `scope` over `period`, as of its end or now."""
        return await figures.gather(self, scope, period, now)

    async def rolling_resolution(self, scope: Scope, as_of: datetime) -> Ratio:
        return await figures.rolling_resolution(self, scope, as_of)

    async def time_to_resolve(self, scope: Scope, start: datetime, end: datetime) -> Spread:
        return await figures.time_to_resolve(self, scope, start, end)

    async def oldest_overdue(self, scope: Scope, as_of: datetime, now: datetime,
                             limit: int = 5) -> list[OverdueTicket]:
        return await lists.oldest_overdue(self, scope, as_of, now, limit)

    async def top_reporters(self, scope: Scope, start: datetime, as_of: datetime,
                            limit: int = 3) -> list[Reporter]:
        return await lists.top_reporters(self, scope, start, as_of, limit)

    async def chart(self, scope: Scope, as_of: datetime, tz: tzinfo,
                    days: int = CHART_DAYS) -> ChartData:
        """Per local day reports and resolutions, and time to resolve per category."""
        return await series.chart_data(self, scope, as_of, tz, days)

    async def today(self, scope: Scope, now: datetime, tz: tzinfo) -> Today:
        """Today so far and the tickets open now."""
        return await today.gather_today(self, scope, now, tz)

    async def export_size(self, period: Period) -> ExportSize:
        return await export.export_size(self, period)

    def ticket_rows(self, period: Period, tz: tzinfo) -> AsyncIterator[Row]:
        """The tickets reported in `period`, streamed in batches (export.TICKET_COLUMNS)."""
        return export.ticket_rows(self, period, tz)

    def event_rows(self, period: Period, tz: tzinfo) -> AsyncIterator[Row]:
        """Their events, ticket by ticket (export.EVENT_COLUMNS)."""
        return export.event_rows(self, period, tz)
