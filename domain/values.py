"""Small values a ticket is made of: who acted, where, what was said, how it was rated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from domain.status import Status


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class CloseReason(StrEnum):
    VERIFIED = "verified"  # the reporter confirmed the fix
    UNVERIFIED = "unverified"  # nobody answered the "has this been fixed?" question in time
    STAFF = "staff"


@dataclass(frozen=True)
class Actor:
    """Who did something: a person (user id and display name) or the system itself."""

    user_id: str | None
    name: str

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM = Actor(None, "system")


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float
    accuracy_m: float | None = None


@dataclass(frozen=True)
class TicketEvent:
    kind: str
    at: datetime
    actor: Actor
    from_status: Status | None = None
    to_status: Status | None = None
    note: str = ""
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
