"""IN with a list fixed in the code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal


def one_of(column: Any, values: Iterable[str]) -> Any:
    """`column IN (…)` for values the code fixes (statuses, kinds). `in_` with plain values
    expands the list at every run, so the SQL of a statement built once is rendered again
    each time; these values are bound one parameter each, and the statement stays as it was
    compiled."""
    return column.in_([literal(value, column.type) for value in values])
