"""Per-department counts of a period, each one an aggregate query the database answers.

Definitions (all instants in [start, as_of), `as_of` being the period's end or now):
- new: reported in the period; `reported` leaves out tickets marked as duplicates (their
  problem is counted on the original), `reported_resolved` is those of them resolved by as_of;
- acknowledged / resolved: first acknowledged / resolved in the period;
- due_for_ack: tickets whose acknowledgement deadline (tickets.ack_due_at) fell in the period;
  `acked_on_time` answered by it: acknowledged, or rejected / marked duplicate, no later;
- rated / satisfied: ratings given in the period, satisfied or basically satisfied;
- open / overdue: open at as_of; overdue when it is then past its acknowledgement deadline
  unacknowledged, or past its resolution deadline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    Integer,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from domain.status import OPEN_STATUSES, Status
from domain.ticket import Rating
from storage.models import TicketRow as T
from storage.queries.reader import Reader
from storage.queries.scope import Scope, unselective

_OPEN = sorted(s.value for s in OPEN_STATUSES)
_ENDED_UNRESOLVED = [Status.REJECTED.value, Status.DUPLICATE.value]
_CONTENT = [Rating.SATISFIED.value, Rating.BASICALLY_SATISFIED.value]


@dataclass(frozen=True)
class Tally:
    new: int = 0
    acknowledged: int = 0
    resolved: int = 0
    open: int = 0
    overdue: int = 0
    due_for_ack: int = 0
    acked_on_time: int = 0
    reported: int = 0
    reported_resolved: int = 0
    rated: int = 0
    satisfied: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def is_quiet(self) -> bool:
        """Nothing happened and nothing is waiting."""
        return not any(astuple(self))


def within(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def tallies(db: Reader, scope: Scope, start: datetime, as_of: datetime,
                  now: datetime) -> dict[str | None, Tally]:
    """Counts per department (None: not yet routed) for tickets in `scope`."""
    found: dict[str | None, dict[str, int]] = defaultdict(dict)
    not_duplicate = T.status != Status.DUPLICATE.value
    await _count(db, found, scope, within(T.reported_at, start, as_of),
                 new=func.count(), reported=count_where(not_duplicate),
                 reported_resolved=count_where(and_(not_duplicate, T.resolved_at < as_of)))
    await _count(db, found, scope, within(T.acknowledged_at, start, as_of),
                 acknowledged=func.count())
    await _count(db, found, scope, within(T.resolved_at, start, as_of), resolved=func.count())
    answered_at = func.coalesce(T.acknowledged_at, T.closed_at)
    await _count(db, found, scope, within(T.ack_due_at, start, as_of),
                 due_for_ack=func.count(), acked_on_time=count_where(answered_at <= T.ack_due_at))
    await _count(db, found, scope, within(T.rated_at, start, as_of),
                 rated=func.count(T.rating), satisfied=count_where(T.rating.in_(_CONTENT)))
    table = open_at(scope, as_of, now, db.dialect)
    rows = await db.execute(
        select(table.c.department_id, func.count(), func.sum(table.c.overdue))
        .group_by(table.c.department_id)
    )
    for department, count, overdue in rows:
        found[department].update(open=int(count), overdue=int(overdue or 0))
    return {department: Tally(**counts) for department, counts in found.items()}


async def _count(db: Reader, into: dict[str | None, dict[str, int]], scope: Scope,
                 window: ColumnElement[bool], **columns: ColumnElement[int]) -> None:
    rows = await db.execute(
        select(T.department_id, *(c.label(name) for name, c in columns.items()))
        .where(window, *scope.conditions(db.dialect))
        .group_by(T.department_id)
    )
    for row in rows.mappings():
        into[row["department_id"]].update(
            {name: int(row[name] or 0) for name in columns})


def open_at(scope: Scope, as_of: datetime, now: datetime, dialect: str) -> CTE:
    """Tickets open at `as_of`, with an `overdue` flag: a UNION of index-friendly parts.

    Open now means open since it was reported (reopened tickets count as open throughout).
    For an earlier instant, add the tickets that ended after it: resolved later, or rejected
    or marked duplicate later (those never carry a resolution time). MATERIALIZED keeps each
    part planned on its own, by its own index, whatever the query around it orders by.
    """
    reported = unselective(T.reported_at < as_of, dialect)
    parts = [_open_rows(scope, as_of, dialect, T.status.in_(_OPEN), reported)]
    if as_of < now:
        parts.append(_open_rows(scope, as_of, dialect, T.resolved_at >= as_of, reported))
        parts.append(_open_rows(scope, as_of, dialect, T.closed_at >= as_of, reported,
                                unselective(T.status.in_(_ENDED_UNRESOLVED), dialect)))
    rows = parts[0] if len(parts) == 1 else union_all(*parts)
    return rows.cte("open_tickets").prefix_with("MATERIALIZED")


def _open_rows(scope: Scope, as_of: datetime, dialect: str,
               *conditions: ColumnElement[bool]) -> Select[Any]:
    unanswered = or_(T.acknowledged_at.is_(None), T.acknowledged_at >= as_of)
    overdue = or_(T.resolve_due_at < as_of, and_(T.ack_due_at < as_of, unanswered))
    return select(
        T.number, T.category_id, T.department_id, T.reported_at, T.ack_due_at,
        T.resolve_due_at, case((unanswered, literal_column("1")), else_=literal_column("0"))
        .cast(Integer).label("unanswered"),
        case((overdue, literal_column("1")), else_=literal_column("0"))
        .cast(Integer).label("overdue"),
    ).where(*conditions, *scope.conditions(dialect))
