"""The configured values handlers work by, as small typed records.

Handlers never read the configuration file's tree: the composition root builds these once
(`bot/wiring.py`) and hands them over in `Services.rules` and to the `Directory`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import time
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.places import Gazetteer


@dataclass(frozen=True)
class IntakeRules:
    # A photo and a location from one person within this many minutes make one report.
    pair_window_minutes: int = 10
    # A report this close to an open ticket of its category is taken as a duplicate.
    duplicate_radius_m: float = 50.0
    # Photos of one album arrive as separate messages within this many seconds.
    album_window_seconds: float = 2.0
    # New tickets one reporter may open: a steady rate per hour and a burst (0: no limit).
    reporter_limit_per_hour: float = 20.0
    reporter_burst: int = 10
    # How long to wait for the rest of a report before asking for it.
    grace_seconds: float = 20.0


@dataclass(frozen=True)
class WorkflowRules:
    # How long a reporter has to confirm a resolved ticket.
    verify_hours: float = 48.0
    # How long after closing a reporter may still reopen their ticket.
    reporter_reopen_days: float = 7.0


@dataclass(frozen=True)
class DigestRules:
    at: time = time(8, 30)
    # The weekday (English, lower case) whose morning digest also covers the past week.
    weekly_on: str = "monday"


@dataclass(frozen=True)
class WebRules:
    """What chats need to know of the web app: whether it runs and where people reach it."""

    enabled: bool = False
    public: bool = False
    # The address people open (no trailing slash).
    link_base: str = ""


@dataclass(frozen=True)
class Rules:
    intake: IntakeRules = field(default_factory=IntakeRules)
    workflow: WorkflowRules = field(default_factory=WorkflowRules)
    digest: DigestRules = field(default_factory=DigestRules)
    web: WebRules = field(default_factory=WebRules)


# -- who is who: the shapes the directory keeps (the configuration's entries fit them) ------


class Group(Protocol):
    @property
    def chat_id(self) -> str: ...

    @property
    def name(self) -> str: ...


class Department(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def name_en(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def chat_id(self) -> str | None: ...

    @property
    def staff(self) -> Collection[str]: ...

    @property
    def backup_staff(self) -> Collection[str]: ...

    @property
    def supervisors(self) -> Collection[str]: ...

    @property
    def members(self) -> frozenset[str]: ...

    @property
    def categories(self) -> Collection[str]: ...


class Category(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def name_en(self) -> str: ...

    @property
    def keywords(self) -> Collection[str]: ...

    @property
    def ack_minutes(self) -> int: ...

    @property
    def resolve_hours(self) -> float: ...


@dataclass(frozen=True)
class Roster:
    """Who is who and what is where, as the directory is built from it."""

    admins: frozenset[str] = frozenset()
    admin_chat_id: str | None = None
    groups: tuple[Group, ...] = ()
    departments: tuple[Department, ...] = ()
    # Always holds "other" (the configuration adds it when missing).
    categories: tuple[Category, ...] = ()
    people: Mapping[str, str] = field(default_factory=dict)
    fallback_department: str | None = None
    language: str = "zh"
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    # The places a report may name in words (read only when a platform has no locations).
    places: Callable[[], Gazetteer] = field(default=lambda: Gazetteer(()))
