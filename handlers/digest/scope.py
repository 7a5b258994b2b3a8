"""Whose tickets a digest covers: a liaison group's, some departments', or the district's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement

from handlers.directory import Directory
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


def scope_of_chat(chat_id: str, directory: Directory) -> Scope | None:
    """The tickets a chat's digest covers; None for a chat without one (a private chat)."""
    if directory.is_liaison_group(chat_id):
        return Scope(chat_id=chat_id)
    department = directory.department_of_chat(chat_id)
    if department is not None:
        return Scope(departments=(department.id,))
    if chat_id == directory.admin_chat_id:
        return EVERYTHING
    return None


def scope_of_person(user_id: str, directory: Directory) -> Scope:
    """In a private chat: admins see everything, staff their own departments."""
    if directory.is_admin(user_id):
        return EVERYTHING
    return Scope(departments=tuple(d.id for d in directory.departments_of(user_id)))


def digest_chats(directory: Directory) -> list[tuple[str, Scope]]:
    """Every chat that gets the scheduled digest, in a stable order."""
    chats = [(chat_id, Scope(chat_id=chat_id)) for chat_id in sorted(directory.groups)]
    chats += [(chat_id, Scope(departments=(department.id,)))
              for chat_id, department in sorted(directory.department_chats.items())]
    return chats
