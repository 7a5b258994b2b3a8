"""Every figure of a digest for one scope and period, from aggregate queries.

Nothing here loads tickets: each figure is a COUNT, SUM or percentile the database computes,
and only the few rows a digest lists (oldest overdue, top reporters) come back as rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, literal_column, select

from domain.period import Period
from domain.status import Status
from storage.models import TicketRow as T
from storage.queries.lists import OverdueTicket, Reporter, oldest_overdue, top_reporters
from storage.queries.percentiles import NO_SPREAD, Spread, seconds_between, spreads
from storage.queries.reader import Reader
from storage.queries.scope import Scope
from storage.queries.tallies import Tally, count_where, tallies, within

ROLLING_DAYS = 30


@dataclass(frozen=True)
class Ratio:
    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        """Rounded half up, in integers, so every backend and test rounds alike."""
        if self.whole == 0:
            return None
        return (200 * self.part + self.whole) // (2 * self.whole)


@dataclass(frozen=True)
class Figures:
    scope: Scope
    period: Period
    as_of: datetime
    total: Tally
    departments: dict[str | None, Tally]
    rolling: Ratio
    to_acknowledge: Spread
    to_resolve: Spread
    oldest_overdue: list[OverdueTicket]
    top_reporters: list[Reporter]

    @property
    def response_rate(self) -> Ratio:
        return Ratio(self.total.acked_on_time, self.total.due_for_ack)

    @property
    def resolution_rate(self) -> Ratio:
        return Ratio(self.total.reported_resolved, self.total.reported)

    @property
    def satisfaction_rate(self) -> Ratio:
        return Ratio(self.total.satisfied, self.total.rated)

    @property
    def is_empty(self) -> bool:
        return self.total.is_quiet


async def gather(db: Reader, scope: Scope, period: Period, now: datetime) -> Figures:
    as_of = period.as_of(now)
    start = period.start
    departments = await tallies(db, scope, start, as_of, now)
    total = sum(departments.values(), Tally())
    if total.is_quiet:
        return Figures(scope, period, as_of, total, {}, Ratio(0, 0), NO_SPREAD, NO_SPREAD,
                       [], [])
    dialect = db.dialect
    to_acknowledge = await _spread(db, durations(scope, T.acknowledged_at, start, as_of,
                                                 dialect))
    to_resolve = await _spread(db, durations(scope, T.resolved_at, start, as_of, dialect))
    return Figures(
        scope=scope, period=period, as_of=as_of, total=total, departments=departments,
        rolling=await rolling_resolution(db, scope, as_of),
        to_acknowledge=to_acknowledge, to_resolve=to_resolve,
        oldest_overdue=await oldest_overdue(db, scope, as_of, now),
        top_reporters=await top_reporters(db, scope, start, as_of),
    )


def durations(scope: Scope, ended: Any, start: datetime, end: datetime, dialect: str,
              key: Any = None) -> Select[Any]:
    """Seconds from report to `ended` for tickets whose `ended` falls in [start, end)."""
    return select(
        (key if key is not None else literal_column("0")).label("key"),
        seconds_between(ended, T.reported_at, dialect).label("seconds"),
    ).where(within(ended, start, end), *scope.conditions(dialect))


async def _spread(db: Reader, values: Select[Any]) -> Spread:
    return next(iter((await spreads(db, values)).values()), NO_SPREAD)


async def time_to_resolve(db: Reader, scope: Scope, start: datetime, end: datetime) -> Spread:
    """Report to resolution, for the tickets resolved in [start, end)."""
    return await _spread(db, durations(scope, T.resolved_at, start, end, db.dialect))


async def rolling_resolution(db: Reader, scope: Scope, as_of: datetime) -> Ratio:
    """Resolved ÷ reported over the 30 days up to as_of (duplicates left out)."""
    not_duplicate = T.status != Status.DUPLICATE.value
    row = (await db.execute(
        select(func.count(), count_where(T.resolved_at < as_of))
        .where(within(T.reported_at, as_of - timedelta(days=ROLLING_DAYS), as_of),
               not_duplicate, *scope.conditions(db.dialect))
    )).one()
    return Ratio(int(row[1] or 0), int(row[0] or 0))

