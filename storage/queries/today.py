"""Today so far and the tickets open now: what a digest of a past day leaves out
(handlers/digest/now.py says why and renders it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select

from domain.period import Period, local_date
from storage.queries.reader import Reader
from storage.queries.scope import Scope
from storage.queries.tallies import Tally, open_at, tallies

LISTED = 5


@dataclass(frozen=True)
class OpenTicket:
    number: int
    category_id: str
    department_id: str | None
    reported_at: datetime
    overdue: bool


@dataclass(frozen=True)
class Today:
    now: datetime
    so_far: Tally
    open_count: int
    overdue_count: int
    oldest_open: list[OpenTicket]


async def gather_today(db: Reader, scope: Scope, now: datetime, tz: tzinfo) -> Today:
    today = local_date(now, tz)
    period = Period.of_days(today, today, tz)
    so_far = sum((await tallies(db, scope, period.start, now, now)).values(), Tally())
    table = open_at(scope, now, now, db.dialect)
    count, overdue = (await db.execute(
        select(func.count(), func.coalesce(func.sum(table.c.overdue), 0)))).one()
    rows = await db.execute(
        select(table).order_by(table.c.reported_at, table.c.number).limit(LISTED))
    oldest = [OpenTicket(r["number"], r["category_id"], r["department_id"], r["reported_at"],
                         bool(r["overdue"])) for r in rows.mappings()]
    return Today(now, so_far, int(count or 0), int(overdue or 0), oldest)
