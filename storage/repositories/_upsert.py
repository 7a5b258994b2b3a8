"""INSERT … ON CONFLICT DO NOTHING for both dialects."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert


def insert_ignoring_conflicts(dialect: str, table: Any) -> Any:
    builder = pg_insert if dialect == "postgresql" else sqlite_insert
    return builder(table)
