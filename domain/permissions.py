"""Who may do what to a ticket: one pure rule table, tested as a whole matrix.

The transition table (`domain.status`) says what a ticket in a status allows; this module says
who may ask for it. Both must agree before anything changes.

- Anyone may view a ticket.
- Staff, backup staff and supervisors of the ticket's department, and admins ("responsible"),
  may change it.
- The people who reported it (the first reporter and later ones) may add notes and photos,
  reopen it within `reporter_reopen` of its resolution, and answer the "has this been fixed?"
  question and rate the work. Nobody else may answer for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError, NotPermitted
from domain.ticket import Ticket


class Operation(StrEnum):
    # Values match `domain.status.Action` where one exists, so replies name them the same way.
    VIEW = "view"
    ACKNOWLEDGE = "acknowledge"
    TAKE = "take"
    PROGRESS = "progress"
    RESOLVE = "resolve"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    TRANSFER = "transfer"
    REOPEN = "reopen"
    NOTE = "note"
    ADD_PHOTO = "add_photo"
    VERIFY = "verify"
    RATE = "rate"


STAFF_OPERATIONS = frozenset({
    Operation.ACKNOWLEDGE, Operation.TAKE, Operation.PROGRESS, Operation.RESOLVE,
    Operation.REJECT, Operation.MARK_DUPLICATE, Operation.TRANSFER,
})
REPORTER_OPERATIONS = frozenset({Operation.VERIFY, Operation.RATE})
SHARED_OPERATIONS = frozenset({Operation.NOTE, Operation.ADD_PHOTO})


@dataclass(frozen=True)
class Standing:
    """What one person is to one ticket."""

    admin: bool = False
    staff: bool = False
    backup: bool = False
    supervisor: bool = False
    reporter: bool = False

    @property
    def responsible(self) -> bool:
        return self.admin or self.staff or self.backup or self.supervisor


class Refusal(StrEnum):
    NOT_RESPONSIBLE = "not_responsible"
    NOT_REPORTER = "not_reporter"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    refusal: Refusal | None = None


ALLOWED = Decision(True)


def settled_at(ticket: Ticket) -> datetime | None:
    """When the ticket was last dealt with: resolved, or else closed (rejected, duplicate)."""
    return ticket.resolved_at or ticket.closed_at


def decide(operation: Operation, standing: Standing, ticket: Ticket, now: datetime,
           reporter_reopen: timedelta) -> Decision:
    if operation is Operation.VIEW:
        return ALLOWED
    if operation in REPORTER_OPERATIONS:
        return ALLOWED if standing.reporter else Decision(False, Refusal.NOT_REPORTER)
    if standing.responsible:
        return ALLOWED
    if operation in SHARED_OPERATIONS and standing.reporter:
        return ALLOWED
    if operation is Operation.REOPEN and standing.reporter:
        since = settled_at(ticket)
        # Nothing to reopen before a ticket is settled: the status table says so instead.
        if since is None or now - since <= reporter_reopen:
            return ALLOWED
        return Decision(False, Refusal.REOPEN_WINDOW_PASSED)
    return Decision(False, Refusal.NOT_RESPONSIBLE)


class ReopenWindowPassed(DomainError):
    key = "error.reopen_window_passed"

    def __init__(self, number: int, days: float) -> None:
        super().__init__(number=number, days=f"{days:g}")


class OnlyReporters(DomainError):
    key = "error.only_reporters"

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


def require(operation: Operation, standing: Standing, ticket: Ticket, now: datetime,
            reporter_reopen: timedelta) -> None:
    """Raise the error that explains a refusal; return quietly when allowed."""
    decision = decide(operation, standing, ticket, now, reporter_reopen)
    if decision.allowed:
        return
    if decision.refusal is Refusal.REOPEN_WINDOW_PASSED:
        raise ReopenWindowPassed(ticket.number, reporter_reopen / timedelta(days=1))
    if decision.refusal is Refusal.NOT_REPORTER:
        raise OnlyReporters(ticket.number)
    raise NotPermitted(operation.value, ticket.number)
