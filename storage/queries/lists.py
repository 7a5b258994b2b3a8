"""The digest's short lists: the oldest overdue tickets and the people to thank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import desc, func, select

from domain.privacy import public_name
from storage.models import TicketEventRow as E
from storage.models import TicketRow as T
from storage.models import UserRow
from storage.queries.reader import Reader
from storage.queries.scope import Scope
from storage.queries.tallies import open_at

# Every report of a problem is one of these events: the first report, or a later one joined.
REPORT_EVENTS = ("created", "reporter_added")


@dataclass(frozen=True)
class OverdueTicket:
    number: int
    category_id: str
    department_id: str | None
    reported_at: datetime
    # The first deadline it missed: acknowledgement when still unanswered, else resolution.
    due_at: datetime


@dataclass(frozen=True)
class Reporter:
    user_id: str
    # First name only: the digest is read by the whole group. "" when nothing presentable.
    first_name: str
    reports: int


async def oldest_overdue(db: Reader, scope: Scope, as_of: datetime, now: datetime,
                         limit: int = 5) -> list[OverdueTicket]:
    table = open_at(scope, as_of, now, db.dialect)
    rows = await db.execute(
        select(table).where(table.c.overdue == 1)
        .order_by(table.c.reported_at, table.c.number).limit(limit)
    )
    found = []
    for row in rows.mappings():
        ack_missed = row["unanswered"] and row["ack_due_at"] is not None \
            and row["ack_due_at"] < as_of
        due_at = row["ack_due_at"] if ack_missed else row["resolve_due_at"]
        found.append(OverdueTicket(row["number"], row["category_id"], row["department_id"],
                                   row["reported_at"], due_at))
    return found


async def top_reporters(db: Reader, scope: Scope, start: datetime, as_of: datetime,
                        limit: int = 3) -> list[Reporter]:
    """Who reported most in the period (first reports and reports joined to a ticket)."""
    reports = func.count().label("reports")
    rows = (await db.execute(
        select(E.actor_id, reports, func.max(E.actor_name).label("name"))
        .join(T, T.id == E.ticket_id)
        .where(E.at >= start, E.at < as_of, E.kind.in_(REPORT_EVENTS),
               E.actor_id.is_not(None), *scope.conditions(db.dialect))
        .group_by(E.actor_id)
        .order_by(desc(reports), func.min(E.at), E.actor_id)
        .limit(limit)
    )).all()
    if not rows:
        return []
    users = await db.execute(
        select(UserRow.user_id, UserRow.first_name)
        .where(UserRow.user_id.in_([r.actor_id for r in rows]))
    )
    known = {user_id: first_name for user_id, first_name in users}
    return [Reporter(str(r.actor_id), _first_name(known.get(r.actor_id), r.name),
                     int(r.reports)) for r in rows]


def _first_name(known: str | None, stored_name: str) -> str:
    # Stored names are full names; without the person's own first name, its first word.
    first = known or next(iter(stored_name.split()), "")
    return public_name(first, None, None)

