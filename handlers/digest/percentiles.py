"""Median and 90th percentile of durations, computed by the database on both dialects.

PostgreSQL has `percentile_cont`. SQLite has no percentile function, so the database counts
the values and hands back just the two values around each percentile's position
(ORDER BY … LIMIT 2 OFFSET k); they are then interpolated exactly as `percentile_cont` does,
so both dialects give the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from storage.types import epoch_seconds
from storage.uow import UnitOfWork

MEDIAN_AND_P90 = (0.5, 0.9)


@dataclass(frozen=True)
class Spread:
    count: int
    median_s: float | None = None
    p90_s: float | None = None


NO_SPREAD = Spread(0)


def seconds_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[float]:
    """Whole seconds from `earlier` to `later`. Rounding makes SQLite's floating-point day
    arithmetic and PostgreSQL's exact arithmetic agree to the second."""
    span = epoch_seconds(later, dialect) - epoch_seconds(earlier, dialect)
    return cast(func.round(span), Float)


async def spreads(uow: UnitOfWork, values: Select[Any]) -> dict[Any, Spread]:
    """Median and p90 per key of `values`, a SELECT of the columns `key` and `seconds`."""
    table = values.subquery()
    if uow.dialect == "postgresql":
        rows = await uow.execute(
            select(table.c.key, func.count(),
                   *(func.percentile_cont(q).within_group(table.c.seconds)
                     for q in MEDIAN_AND_P90))
            .group_by(table.c.key)
        )
        return {key: Spread(int(n), _float(median), _float(p90))
                for key, n, median, p90 in rows}
    counts = await uow.execute(select(table.c.key, func.count()).group_by(table.c.key))
    result: dict[Any, Spread] = {}
    for key, n in counts.all():
        found = []
        for q in MEDIAN_AND_P90:
            position = q * (n - 1)
            lower = math.floor(position)
            around = await uow.execute(
                select(table.c.seconds)
                .where(table.c.key.is_not_distinct_from(key))
                .order_by(table.c.seconds)
                .limit(2)
                .offset(lower)
            )
            found.append(interpolate(around.scalars().all(), position - lower))
        result[key] = Spread(int(n), *found)
    return result


def interpolate(around: Sequence[float], proportion: float) -> float:
    """`percentile_cont`'s own rule: lower + proportion × (upper − lower)."""
    lower = float(around[0])
    if proportion == 0 or len(around) < 2:
        return lower
    return lower + proportion * (float(around[1]) - lower)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
