"""Who is in the sandbox and which chats exist, derived from the configuration.

The configured people become the staff, supervisors and admins; two riders who are not in any
configuration are added so that there is somebody to report things. The sandbox plays Telegram,
so only the Telegram accounts and chats of the configuration take part, by their Telegram ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.settings import Settings
from domain.identity import TELEGRAM, split
from handlers.texts import Texts

ChatKind = Literal["liaison", "department", "admins"]


@dataclass(frozen=True)
class Rider:
    id: int
    name: str
    username: str


# Preferred ids; moved on if a configuration already uses them for somebody else.
RIDERS = (Rider(3001, "小李", "rider_li"), Rider(3002, "老王", "rider_wang"))


@dataclass(frozen=True)
class Persona:
    """Somebody the page (or the demo) can act as."""

    id: int
    name: str
    username: str | None = None
    rider: bool = False
    admin: bool = False
    # (department id, "staff" | "backup" | "supervisor")
    posts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChatSpec:
    id: int
    title: str
    kind: ChatKind
    department_id: str | None = None
    members: frozenset[int] = field(default_factory=frozenset)
    # Who presses "send the digest now" here when the current persona is not staff.
    digest_as: int | None = None


class Cast:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.personas = _personas(settings)
        self.by_id = {p.id: p for p in self.personas}
        self.riders = [p for p in self.personas if p.rider]
        self.chats = _chats(settings, self.personas)

    def persona(self, user_id: int) -> Persona:
        return self.by_id[user_id]

    def first_with(self, department_id: str, post: str) -> Persona | None:
        return next((p for p in self.personas if (department_id, post) in p.posts), None)

    def chat(self, chat_id: int) -> ChatSpec | None:
        return next((c for c in self.chats if c.id == chat_id), None)


def telegram_ids(addresses: list[str] | frozenset[str]) -> list[int]:
    """The Telegram ids among some addresses, in order."""
    found = []
    for address in addresses:
        platform, native = split(address)
        if platform == TELEGRAM:
            found.append(int(native))
    return found


def telegram_id(address: str | None) -> int | None:
    found = telegram_ids([address]) if address is not None else []
    return found[0] if found else None


def _personas(settings: Settings) -> list[Persona]:
    names = {user_id: p.name for p in settings.people for user_id in telegram_ids(p.accounts)}
    admins = set(telegram_ids(settings.admins.user_ids))
    posts: dict[int, list[tuple[str, str]]] = {}
    for department in settings.departments:
        for post, ids in (("staff", department.staff), ("backup", department.backup_staff),
                          ("supervisor", department.supervisors)):
            for user_id in telegram_ids(ids):
                posts.setdefault(user_id, []).append((department.id, post))
    riders = _free_rider_ids(set(names) | set(posts) | admins)
    people = [Persona(r.id, r.name, r.username, rider=True) for r in riders]
    staff_ids = list(dict.fromkeys([*names, *posts, *admins]))
    for user_id in staff_ids:
        people.append(Persona(user_id, names.get(user_id, str(user_id)),
                              admin=user_id in admins, posts=tuple(posts.get(user_id, ()))))
    return people


def _free_rider_ids(taken: set[int]) -> list[Rider]:
    riders = []
    for rider in RIDERS:
        user_id = rider.id
        while user_id in taken:
            user_id += 100
        taken.add(user_id)
        riders.append(Rider(user_id, rider.name, rider.username))
    return riders


def _chats(settings: Settings, personas: list[Persona]) -> list[ChatSpec]:
    everyone = frozenset(p.id for p in personas)
    admins = telegram_ids(settings.admins.user_ids)
    supervisors = [uid for d in settings.departments for uid in telegram_ids(d.supervisors)]
    overseer = (admins or supervisors or [None])[0]
    chats: list[ChatSpec] = []
    seen: set[int] = set()
    for group in settings.groups:
        group_id = telegram_id(group.chat_id)
        if group_id is None:
            continue
        chats.append(ChatSpec(group_id, group.name, "liaison", members=everyone,
                              digest_as=overseer))
        seen.add(group_id)
    for department in settings.departments:
        chat_id = telegram_id(department.chat_id)
        if chat_id is None or chat_id in seen:
            continue
        lead = telegram_ids([*department.supervisors, *department.staff,
                             *department.backup_staff])
        chats.append(ChatSpec(chat_id, department.name, "department",
                              department_id=department.id,
                              members=frozenset((*telegram_ids(department.members), *admins)),
                              digest_as=lead[0] if lead else overseer))
        seen.add(chat_id)
    admin_chat = telegram_id(settings.admins.chat_id)
    if admin_chat is not None and admin_chat not in seen:
        title = Texts(settings.bot.language)("sandbox.admins_chat_title")
        chats.append(ChatSpec(admin_chat, title, "admins",
                              members=frozenset((*admins, *supervisors)), digest_as=overseer))
    return chats
