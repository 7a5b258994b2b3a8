"""The chart's data: reports and resolutions per day, and time to resolve per category.

Days are the bot's local days. Each ticket falls in its day through a CASE over the day
boundaries computed here, so days stay right across daylight-saving changes and the grouping
runs in the database on both dialects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import case, func, literal_column, select

from handlers.digest.figures import durations
from handlers.digest.percentiles import Spread, spreads
from handlers.digest.period import local_date, local_midnight
from handlers.digest.scope import Scope
from handlers.digest.tallies import within
from storage.models import TicketRow as T
from storage.uow import UnitOfWork

CHART_DAYS = 14


@dataclass(frozen=True)
class ChartData:
    days: list[date]
    reported: list[int]
    resolved: list[int]
    # (category id, time to resolve), slowest median first.
    by_category: list[tuple[str, Spread]]

    @property
    def is_empty(self) -> bool:
        return not (any(self.reported) or any(self.resolved))


async def chart_data(uow: UnitOfWork, scope: Scope, as_of: datetime, tz: tzinfo,
                     days: int = CHART_DAYS) -> ChartData:
    """The `days` local days up to the one `as_of` falls in (or ends, at midnight)."""
    last_day = local_date(as_of - timedelta(microseconds=1), tz)
    day_list = [last_day - timedelta(days=days - 1 - i) for i in range(days)]
    start = local_midnight(day_list[0], tz)
    boundaries = [local_midnight(day, tz) for day in day_list[1:]]
    reported = await _per_day(uow, scope, T.reported_at, start, as_of, boundaries)
    resolved = await _per_day(uow, scope, T.resolved_at, start, as_of, boundaries)
    by_category = await spreads(uow, durations(scope, T.resolved_at, start, as_of,
                                               uow.dialect, key=T.category_id))
    ordered = sorted(by_category.items(), key=lambda item: (-(item[1].median_s or 0), item[0]))
    return ChartData(day_list, reported, resolved, ordered)


async def _per_day(uow: UnitOfWork, scope: Scope, column: Any, start: datetime,
                   end: datetime, boundaries: list[datetime]) -> list[int]:
    day = case(*((column < b, literal_column(str(i))) for i, b in enumerate(boundaries)),
               else_=literal_column(str(len(boundaries))))
    rows = await uow.execute(
        select(day.label("day"), func.count())
        .where(within(column, start, end), *scope.conditions(uow.dialect))
        .group_by("day")
    )
    counts = [0] * (len(boundaries) + 1)
    for index, count in rows:
        counts[int(index)] = int(count)
    return counts
