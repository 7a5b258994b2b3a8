"""What a digest of a past day leaves out: today so far, and the tickets open now.

Asked for during the day, /digest covers yesterday; a ticket reported this morning is in none
of its figures. This block follows it, so nobody reads "nothing waiting" while something is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select

from domain.ticket import label
from handlers.digest.period import Period, local_date
from handlers.digest.render import Naming
from handlers.digest.scope import Scope
from handlers.digest.tallies import Tally, open_at, tallies
from storage.uow import UnitOfWork

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


async def gather_today(uow: UnitOfWork, scope: Scope, now: datetime, tz: tzinfo) -> Today:
    today = local_date(now, tz)
    period = Period.of_days(today, today, tz)
    so_far = sum((await tallies(uow, scope, period.start, now, now)).values(), Tally())
    table = open_at(scope, now, now, uow.dialect)
    count, overdue = (await uow.execute(
        select(func.count(), func.coalesce(func.sum(table.c.overdue), 0)))).one()
    rows = await uow.execute(
        select(table).order_by(table.c.reported_at, table.c.number).limit(LISTED))
    oldest = [OpenTicket(r["number"], r["category_id"], r["department_id"], r["reported_at"],
                         bool(r["overdue"])) for r in rows.mappings()]
    return Today(now, so_far, int(count or 0), int(overdue or 0), oldest)


def render_today(today: Today, naming: Naming) -> str:
    t = naming.texts
    tally = today.so_far
    lines = [t("digest.now.today", time=f"{today.now.astimezone(naming.tz):%H:%M}",
               new=tally.new, acknowledged=tally.acknowledged, resolved=tally.resolved)]
    if today.open_count == 0:
        lines.append(t("digest.now.none_open"))
        return "\n".join(lines)
    lines.append(t("digest.now.open_title", open=today.open_count,
                   overdue=today.overdue_count))
    for ticket in today.oldest_open:
        reported = ticket.reported_at.astimezone(naming.tz)
        lines.append(t("digest.now.open_line", ticket=label(ticket.number),
                       category=naming.category(ticket.category_id),
                       department=naming.department(ticket.department_id),
                       at=f"{reported.month}/{reported.day} {reported:%H:%M}")
                     + (t("digest.now.overdue_mark") if ticket.overdue else ""))
    if today.open_count > len(today.oldest_open):
        lines.append(t("digest.now.more", count=today.open_count - len(today.oldest_open)))
    return "\n".join(lines)
