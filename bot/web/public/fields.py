"""What the public may know about a ticket: this whitelist, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.web.areas import AreaIndex
from bot.web.facts import time_to_resolve
from domain.ticket import label
from handlers.directory import Directory
from handlers.texts import Texts
from handlers.tickets.formatting import duration
from storage.repositories.console import TicketSummary

# About 10 m: enough to find the spot, not a house number.
COORDINATE_DIGITS = 4


@dataclass(frozen=True)
class PublicTicket:
    number: int
    label: str
    status: str
    status_text: str
    category: str
    department: str
    area: str
    lat: float | None
    lon: float | None
    reported_at: datetime
    resolved_at: datetime | None
    time_to_resolve: str
    duplicate_of: str


def public_ticket(ticket: TicketSummary, directory: Directory, areas: AreaIndex,
                  texts: Texts) -> PublicTicket:
    took = time_to_resolve(ticket)
    return PublicTicket(
        number=ticket.number,
        label=label(ticket.number),
        status=ticket.status,
        status_text=texts(f"status.{ticket.status}"),
        category=directory.category_name(ticket.category_id, texts.lang),
        department=directory.department_name(ticket.department_id, texts.lang),
        area=areas.name_at(ticket.lat, ticket.lon),
        lat=_rounded(ticket.lat),
        lon=_rounded(ticket.lon),
        reported_at=ticket.reported_at,
        resolved_at=ticket.resolved_at,
        time_to_resolve=duration(took, texts) if took is not None else "",
        duplicate_of=label(ticket.duplicate_of) if ticket.duplicate_of else "",
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DIGITS)
