"""Small facts about a ticket that several pages show."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.status import AWAITING_ACK, OPEN_STATUSES, Status
from storage.repositories.console import TicketSummary

_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_WAITING = frozenset(s.value for s in (*AWAITING_ACK, Status.REOPENED))


def is_open(ticket: TicketSummary) -> bool:
    return ticket.status in _OPEN


def is_overdue(ticket: TicketSummary, now: datetime) -> bool:
    """Open and past a deadline, as the console's "overdue" filter counts it."""
    if not is_open(ticket):
        return False
    ack_late = ticket.status in _WAITING and ticket.ack_due_at is not None \
        and ticket.ack_due_at < now
    return ack_late or (ticket.resolve_due_at is not None and ticket.resolve_due_at < now)


def time_to_resolve(ticket: TicketSummary) -> timedelta | None:
    if ticket.resolved_at is None:
        return None
    return ticket.resolved_at - ticket.reported_at
