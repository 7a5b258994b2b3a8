"""Which tickets a chat's or a person's digest covers: a liaison group's, some departments',
or the district's (the `Scope` itself is the queries' value, storage/queries/scope.py)."""

from __future__ import annotations

from handlers.directory import Directory
from storage.queries.scope import EVERYTHING, Scope


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
