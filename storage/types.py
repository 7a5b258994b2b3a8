"""Column types and SQL expressions that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Integer, String, func
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for big tables.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonDoc = JSON().with_variant(postgresql.JSONB(), "postgresql")
# A chat or a person: its address, "<platform>:<native id>" (domain.identity). WeCom userids
# run to 64 characters, so the platform name and the id fit with room to spare.
AddressText = String(128)
# A message's id as its platform gives it: Telegram's numbers as digits, others' ids as they are.
MessageIdText = String(128)
# An inbox lane: a chat's address and, after a slash, its sender's native id.
LaneText = String(260)


class Instant(TypeDecorator[datetime]):
    """A point in time, always timezone-aware UTC in Python.

    PostgreSQL keeps it as timestamptz; SQLite keeps text, and would hand back naive values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def epoch_seconds(column: Any, dialect_name: str) -> ColumnElement[float]:
    """Seconds since 1970 of an `Instant` column, for durations computed in SQL."""
    if dialect_name == "postgresql":
        return func.extract("epoch", column)
    return (func.julianday(column) - 2440587.5) * 86400.0


__all__ = ["AddressText", "BigId", "BigInteger", "Float", "Instant", "JsonDoc", "MessageIdText",
           "epoch_seconds"]
