"""Whose tickets a figure covers, and the conditions that select them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from storage.models import TicketRow


@dataclass(frozen=True)
class Scope:
    # A liaison group: every ticket reported there (tickets.chat_id).
    chat_id: str | None = None
    # Departments: the tickets they are responsible for. None with no chat means everything.
    departments: tuple[str, ...] | None = None

    @property
    def is_one_department(self) -> bool:
        return self.departments is not None and len(self.departments) == 1

    def conditions(self, dialect: str) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.chat_id is not None:
            conditions.append(TicketRow.chat_id == self.chat_id)
        if self.departments is not None:
            conditions.append(TicketRow.department_id.in_(self.departments))
        return [unselective(c, dialect) for c in conditions]


def unselective(condition: ColumnElement[bool], dialect: str) -> ColumnElement[bool]:
    """Mark a condition that keeps many rows.

    SQLite's planner has no statistics unless someone runs ANALYZE, and then takes an
    equality (chat, department, status) for more selective than a time range: it would read a
    whole group's tickets to count one day. `likely()` tells it otherwise; PostgreSQL plans by
    its statistics and needs no hint.
    """
    return func.likely(condition) if dialect == "sqlite" else condition


EVERYTHING = Scope()
