"""Service levels: when a ticket is due, and which scheduled steps it has coming.

Pure functions of the ticket's log and the category's windows, so the card, the lists and the
scheduled job always agree, and a job that fires twice finds nothing left to do the second time
(each step is recorded on the ticket as a level).

- Acknowledgement: the clock starts at the latest assignment or reopening. At one window the
  ticket is announced again to the backup staff (the "A/B post"), at two windows to the
  supervisors.
- Resolution: the clock starts at the report, or at the latest reopening (a transfer keeps the
  reporter's deadline). At one window the staff are reminded, at two windows the supervisors.
- Verification: a resolved ticket whose reporter did not answer within the window is closed as
  fixed but unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.status import Status
from domain.ticket import Ticket

LEVELS = (1, 2)
ACK_AUDIENCE = {1: "backup", 2: "supervisors"}
REMINDER_AUDIENCE = {1: "staff", 2: "supervisors"}


@dataclass(frozen=True)
class Windows:
    ack: timedelta
    resolve: timedelta
    verify: timedelta


class StepKind(StrEnum):
    ESCALATE = "escalate"
    REMIND = "remind"
    CLOSE_UNVERIFIED = "close_unverified"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    at: datetime
    level: int = 0
    audience: str = ""


def _latest(ticket: Ticket, kinds: frozenset[str]) -> datetime | None:
    return next((e.at for e in reversed(ticket.events) if e.kind in kinds), None)


def ack_clock_start(ticket: Ticket) -> datetime:
    return _latest(ticket, frozenset({"assign", "reopen"})) or ticket.reported_at


def resolve_clock_start(ticket: Ticket) -> datetime:
    return _latest(ticket, frozenset({"reopen"})) or ticket.reported_at


def ack_due(ticket: Ticket, windows: Windows) -> datetime:
    return ack_clock_start(ticket) + windows.ack


def resolve_due(ticket: Ticket, windows: Windows) -> datetime:
    return resolve_clock_start(ticket) + windows.resolve


def verify_due(ticket: Ticket, windows: Windows) -> datetime | None:
    if ticket.status is not Status.RESOLVED or ticket.resolved_at is None:
        return None
    return ticket.resolved_at + windows.verify


def is_overdue(ticket: Ticket, windows: Windows, now: datetime) -> bool:
    if not ticket.is_open:
        return False
    if ticket.awaiting_ack and now > ack_due(ticket, windows):
        return True
    return now > resolve_due(ticket, windows)


def planned_steps(ticket: Ticket, windows: Windows) -> list[Step]:
    """Every step still to come for the ticket as it stands, earliest first."""
    steps: list[Step] = []
    if ticket.awaiting_ack:
        start = ack_clock_start(ticket)
        steps.extend(
            Step(StepKind.ESCALATE, start + level * windows.ack, level, ACK_AUDIENCE[level])
            for level in LEVELS if ticket.ack_escalation < level
        )
    if ticket.is_open:
        start = resolve_clock_start(ticket)
        steps.extend(
            Step(StepKind.REMIND, start + level * windows.resolve, level,
                 REMINDER_AUDIENCE[level])
            for level in LEVELS if ticket.resolve_reminder < level
        )
    closing = verify_due(ticket, windows)
    if closing is not None:
        steps.append(Step(StepKind.CLOSE_UNVERIFIED, closing))
    return sorted(steps, key=lambda step: (step.at, step.kind != StepKind.ESCALATE))


def due_steps(ticket: Ticket, windows: Windows, now: datetime) -> list[Step]:
    return [step for step in planned_steps(ticket, windows) if step.at <= now]


def next_check(ticket: Ticket, windows: Windows) -> datetime | None:
    steps = planned_steps(ticket, windows)
    return steps[0].at if steps else None
