"""Our tickets and categories in GeoReport v2's terms (see docs/open311.md).

Status: GeoReport has two, "open" (it has been reported) and "closed" (it has been resolved).
Tickets somebody still owes work on are open; resolved, closed, rejected and duplicate tickets
are closed, and `status_notes` says which, in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from domain.status import OPEN_STATUSES, Status
from domain.ticket import label
from handlers.directory import Directory
from handlers.texts import Texts
from storage.repositories.console import TicketSummary

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
OPEN, CLOSED = "open", "closed"
OPEN_VALUES = frozenset(s.value for s in OPEN_STATUSES)
CLOSED_VALUES = frozenset(s.value for s in Status) - OPEN_VALUES

# The spec's field lists, in its order (tests check every response against these).
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")
CREATED_FIELDS = ("service_request_id", "service_notice", "account_id")
ERROR_FIELDS = ("code", "description")
DISCOVERY_FIELDS = ("changeset", "contact", "key_service", "endpoints")
ENDPOINT_FIELDS = ("specification", "url", "changeset", "type", "formats")


def open_or_closed(status: str) -> str:
    return OPEN if status in OPEN_VALUES else CLOSED


def statuses_for(names: list[str]) -> frozenset[str]:
    """Our statuses behind GeoReport's "open" / "closed"."""
    found: set[str] = set()
    for name in names:
        found |= OPEN_VALUES if name == OPEN else CLOSED_VALUES
    return frozenset(found)


def w3(moment: datetime | None, tz: tzinfo) -> str | None:
    """W3C date-time with its offset, e.g. 2026-06-01T12:00:00+08:00."""
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")


def service(category: Any, directory: Directory, texts: Texts) -> dict[str, Any]:
    """A category as a GeoReport service; its group is the department usually responsible."""
    department = next((d.id for d in directory.departments.values()
                       if category.id in d.categories), None)
    return {
        "service_code": category.id,
        "service_name": directory.category_name(category.id, texts.lang),
        "description": texts("open311.service_description", ack=category.ack_minutes,
                             hours=f"{category.resolve_hours:g}"),
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(category.keywords),
        "group": directory.department_name(department, texts.lang) if department else "",
    }


class Names:
    """Names of categories, departments and statuses, looked up once per response: a list of
    a thousand requests asks for the same few again and again."""

    def __init__(self, directory: Directory, texts: Texts) -> None:
        self.directory = directory
        self.texts = texts
        self._seen: dict[tuple[str, object], str | None] = {}

    def _once(self, kind: str, key: object, make: Callable[[], str | None]) -> str | None:
        if (kind, key) not in self._seen:
            self._seen[(kind, key)] = make()
        return self._seen[(kind, key)]

    def category(self, category_id: str) -> str:
        return self._once("category", category_id, lambda: self.directory.category_name(
            category_id, self.texts.lang)) or category_id

    def department(self, department_id: str | None) -> str | None:
        return self._once("department", department_id, lambda: self.directory.department_name(
            department_id, self.texts.lang) or None)

    def notes(self, ticket: TicketSummary) -> str:
        return self._once("notes", (ticket.status, ticket.duplicate_of),
                          lambda: status_notes(ticket, self.texts)) or ""


def status_notes(ticket: TicketSummary, texts: Texts) -> str:
    text = texts(f"status.{ticket.status}")
    if ticket.status == Status.DUPLICATE.value and ticket.duplicate_of:
        return texts("open311.duplicate_of", status=text, ticket=label(ticket.duplicate_of))
    return text


def request(ticket: TicketSummary, *, names: Names, tz: tzinfo, area: str, full: bool,
            media_url: str | None) -> dict[str, Any]:
    """A ticket as a service request. `full` (a client with an API key) adds the description
    and the address as reported; otherwise the place is given by its area's name only."""
    status = open_or_closed(ticket.status)
    return {
        "service_request_id": str(ticket.number),
        "status": status,
        "status_notes": names.notes(ticket),
        "service_name": names.category(ticket.category_id),
        "service_code": ticket.category_id,
        "description": ticket.description if full else None,
        "agency_responsible": names.department(ticket.department_id),
        "service_notice": None,
        "requested_datetime": w3(ticket.reported_at, tz),
        "updated_datetime": w3(ticket.updated_at, tz),
        "expected_datetime": w3(ticket.resolve_due_at, tz) if status == OPEN else None,
        "address": (ticket.address or area) if full else area,
        "address_id": None,
        "zipcode": None,
        "lat": ticket.lat if full or ticket.lat is None else round(ticket.lat, 4),
        "long": ticket.lon if full or ticket.lon is None else round(ticket.lon, 4),
        "media_url": media_url,
    }


def error(code: int, description: str) -> dict[str, Any]:
    return {"code": code, "description": description}
