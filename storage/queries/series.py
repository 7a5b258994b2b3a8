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

from domain.period import local_date, local_midnight
from storage.models import TicketRow as T
from storage.queries.figures import durations
from storage.queries.percentiles import Spread, spreads
from storage.queries.reader import Reader
from storage.queries.scope import Scope
from storage.queries.tallies import within

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


async def chart_data(db: Reader, scope: Scope, as_of: datetime, tz: tzinfo,
                     days: int = CHART_DAYS) -> ChartData:
    """The `days` local days up to the one `as_of` falls in (or ends, at midnight)."""
    last_day = local_date(as_of - timedelta(microseconds=1), tz)
    day_list = [last_day - timedelta(days=days - 1 - i) for i in range(days)]
    start = local_midnight(day_list[0], tz)
    boundaries = [local_midnight(day, tz) for day in day_list[1:]]
    reported = await _per_day(db, scope, T.reported_at, start, as_of, boundaries)
    resolved = await _per_day(db, scope, T.resolved_at, start, as_of, boundaries)
    by_category = await spreads(db, durations(scope, T.resolved_at, start, as_of,
                                              db.dialect, key=T.category_id))
    ordered = sorted(by_category.items(), key=lambda item: (-(item[1].median_s or 0), item[0]))
    return ChartData(day_list, reported, resolved, ordered)


async def _per_day(db: Reader, scope: Scope, column: Any, start: datetime,
                   end: datetime, boundaries: list[datetime]) -> list[int]:
    day = case(*((column < b, literal_column(str(i))) for i, b in enumerate(boundaries)),
               else_=literal_column(str(len(boundaries))))
    rows = await db.execute(
        select(day.label("day"), func.count())
        .where(within(column, start, end), *scope.conditions(db.dialect))
        .group_by("day")
    )
    counts = [0] * (len(boundaries) + 1)
    for index, count in rows:
        counts[int(index)] = int(count)
    return counts
