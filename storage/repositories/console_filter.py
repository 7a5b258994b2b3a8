"""Which tickets a console page, the public map or the Open311 API asks for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True)
class TicketFilter:
    # The moment "overdue" is judged at.
    now: datetime
    statuses: frozenset[str] | None = None
    department_ids: tuple[str, ...] | None = None
    category_ids: tuple[str, ...] | None = None
    reported_from: datetime | None = None
    reported_to: datetime | None = None
    overdue: bool = False
    number: int | None = None
    # Found in the address or the description.
    text: str = ""
    box: BoundingBox | None = None


# The list's sort names → (column, descending); "-" in front sorts the other way.
SORTS: dict[str, tuple[str, bool]] = {
    "number": ("number", False),
    "-number": ("number", True),
    "reported": ("reported_at", False),
    "-reported": ("reported_at", True),
    "updated": ("updated_at", False),
    "-updated": ("updated_at", True),
    "status": ("status", False),
    "-status": ("status", True),
    "category": ("category_id", False),
    "-category": ("category_id", True),
    "department": ("department_id", False),
    "-department": ("department_id", True),
}
