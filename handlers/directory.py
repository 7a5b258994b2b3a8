"""Who is who and what is where: the configured groups, departments, people and categories.

Built once from the configured roster (`handlers.rules.Roster`); handlers ask it about roles
instead of reading config.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from domain.places import Gazetteer
from handlers.rules import Category, Department, Roster


@dataclass(frozen=True)
class Roles:
    """What a person may do about one department's tickets."""

    admin: bool = False
    staff: bool = False
    backup: bool = False
    supervisor: bool = False

    @property
    def works_here(self) -> bool:
        return self.admin or self.staff or self.backup or self.supervisor


class Directory:
    def __init__(self, roster: Roster) -> None:
        self.admins = frozenset(roster.admins)
        self.admin_chat_id = roster.admin_chat_id
        self.groups = {g.chat_id: g for g in roster.groups}
        self.departments = {d.id: d for d in roster.departments}
        self.department_chats = {d.chat_id: d for d in roster.departments if d.chat_id}
        self.categories = {c.id: c for c in roster.categories}
        self.people = dict(roster.people)
        self.fallback_department = roster.fallback_department
        self.language = roster.language
        self.tz = roster.tz
        self._places = roster.places

    # -- chats ---------------------------------------------------------------------------

    def serves(self, chat_id: str) -> bool:
        """A chat the bot works in: a liaison group, a department chat or the admins' chat."""
        return (chat_id in self.groups or chat_id in self.department_chats
                or chat_id == self.admin_chat_id)

    def is_liaison_group(self, chat_id: str) -> bool:
        return chat_id in self.groups

    def department_of_chat(self, chat_id: str) -> Department | None:
        return self.department_chats.get(chat_id)

    @cached_property
    def places(self) -> Gazetteer:
        """The places (`[[places]]`) and named areas a report's text may name; read on first
        use, since only platforms without location messages need it."""
        return self._places()

    # -- people --------------------------------------------------------------------------

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def roles(self, user_id: str, department_id: str | None) -> Roles:
        department = self.departments.get(department_id or "")
        return Roles(
            admin=user_id in self.admins,
            staff=bool(department) and user_id in department.staff,
            backup=bool(department) and user_id in department.backup_staff,
            supervisor=bool(department) and user_id in department.supervisors,
        )

    def departments_of(self, user_id: str) -> list[Department]:
        return [d for d in self.departments.values() if user_id in d.members]

    def is_staff_anywhere(self, user_id: str) -> bool:
        return user_id in self.admins or bool(self.departments_of(user_id))

    def person_name(self, user_id: str, fallback: str = "") -> str:
        return self.people.get(user_id, fallback)

    # -- categories ----------------------------------------------------------------------

    def category(self, category_id: str) -> Category:
        return self.categories.get(category_id) or self.categories["other"]

    def category_name(self, category_id: str, lang: str) -> str:
        category = self.category(category_id)
        return category.name if lang == "zh" else category.name_en

    def department_name(self, department_id: str | None, lang: str) -> str:
        department = self.departments.get(department_id or "")
        if department is None:
            return ""
        return department.name if lang == "zh" or not department.name_en else department.name_en

    def ack_window(self, category_id: str) -> timedelta:
        return timedelta(minutes=self.category(category_id).ack_minutes)

    def resolve_window(self, category_id: str) -> timedelta:
        return timedelta(hours=self.category(category_id).resolve_hours)
