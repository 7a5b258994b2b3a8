"""Median and 90th percentile of durations, computed by the database on both dialects.

PostgreSQL has `percentile_cont`. SQLite has no percentile function, so the database sorts
the values and hands back just the two around each percentile's position; they are then
interpolated exactly as `percentile_cont` does, so both dialects give the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, Select, cast, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from storage.queries.reader import Reader
from storage.types import epoch_seconds

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


async def spreads(db: Reader, values: Select[Any]) -> dict[Any, Spread]:
    """Median and p90 per key of `values`, a SELECT of the columns `key` and `seconds`."""
    table = values.subquery()
    if db.dialect == "postgresql":
        rows = await db.execute(
            select(table.c.key, func.count(),
                   *(func.percentile_cont(q).within_group(table.c.seconds)
                     for q in MEDIAN_AND_P90))
            .group_by(table.c.key)
        )
        return {key: Spread(int(n), _float(median), _float(p90))
                for key, n, median, p90 in rows}
    return await _ordered_neighbours(db, table)


async def _ordered_neighbours(db: Reader, table: Any) -> dict[Any, Spread]:
    """SQLite: number each key's values in order and keep only the rows at ⌊q·(n−1)⌋ and
    the one after, for every q — the rows ORDER BY seconds LIMIT 2 OFFSET ⌊q·(n−1)⌋ gives,
    for all keys and both percentiles in one pass."""
    ordered = select(
        table.c.key, table.c.seconds,
        (func.row_number().over(partition_by=table.c.key, order_by=table.c.seconds) - 1)
        .label("position"),
        func.count().over(partition_by=table.c.key).label("n"),
    ).subquery()
    wanted = []
    for q in MEDIAN_AND_P90:
        lower = cast(literal_column(repr(q)) * (ordered.c.n - 1), Integer)
        wanted += [ordered.c.position == lower, ordered.c.position == lower + 1]
    rows = await db.execute(
        select(ordered.c.key, ordered.c.n, ordered.c.position, ordered.c.seconds)
        .where(or_(*wanted))
    )
    found: dict[Any, tuple[int, dict[int, float]]] = {}
    for key, n, position, seconds in rows:
        found.setdefault(key, (int(n), {}))[1][int(position)] = float(seconds)
    result = {}
    for key, (n, at) in found.items():
        values = []
        for q in MEDIAN_AND_P90:
            position = q * (n - 1)
            lower = math.floor(position)
            values.append(interpolate([at[p] for p in (lower, lower + 1) if p in at],
                                      position - lower))
        result[key] = Spread(n, *values)
    return result


def interpolate(around: Sequence[float], proportion: float) -> float:
    """`percentile_cont`'s own rule: lower + proportion × (upper − lower)."""
    lower = float(around[0])
    if proportion == 0 or len(around) < 2:
        return lower
    return lower + proportion * (float(around[1]) - lower)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
