"""The ticket status machine: one explicit table of allowed transitions.

The diagram in `docs/status-machine.md` is drawn from this table (a test keeps them in step).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    TRANSFERRED = "transferred"


class Action(StrEnum):
    ASSIGN = "assign"
    ACKNOWLEDGE = "acknowledge"
    TAKE = "take"
    PROGRESS = "progress"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    TRANSFER = "transfer"


S = Status
_WORKABLE = (S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED)

# action -> {from status: to status}. Anything not listed is refused.
# Working a ticket that nobody acknowledged (progress/resolve straight from "assigned") is
# allowed because staff in the street skip steps; the ticket then records the acknowledgement
# at the same instant so the response rate stays honest.
TRANSITIONS: MappingProxyType[Action, MappingProxyType[Status, Status]] = MappingProxyType(
    {
        Action.ASSIGN: MappingProxyType({S.NEW: S.ASSIGNED, S.TRANSFERRED: S.ASSIGNED}),
        Action.ACKNOWLEDGE: MappingProxyType(
            {S.ASSIGNED: S.ACKNOWLEDGED, S.REOPENED: S.ACKNOWLEDGED}
        ),
        Action.TAKE: MappingProxyType(
            {
                S.ASSIGNED: S.ACKNOWLEDGED,
                S.REOPENED: S.ACKNOWLEDGED,
                S.ACKNOWLEDGED: S.ACKNOWLEDGED,
                S.IN_PROGRESS: S.IN_PROGRESS,
            }
        ),
        Action.PROGRESS: MappingProxyType({s: S.IN_PROGRESS for s in _WORKABLE}),
        Action.RESOLVE: MappingProxyType({s: S.RESOLVED for s in _WORKABLE}),
        Action.CLOSE: MappingProxyType({S.RESOLVED: S.CLOSED}),
        Action.REOPEN: MappingProxyType(
            {
                S.RESOLVED: S.REOPENED,
                S.CLOSED: S.REOPENED,
                S.REJECTED: S.REOPENED,
                S.DUPLICATE: S.REOPENED,
            }
        ),
        Action.REJECT: MappingProxyType(
            {s: S.REJECTED for s in (S.NEW, S.TRANSFERRED, *_WORKABLE)}
        ),
        Action.MARK_DUPLICATE: MappingProxyType(
            {s: S.DUPLICATE for s in (S.NEW, S.TRANSFERRED, *_WORKABLE)}
        ),
        Action.TRANSFER: MappingProxyType({s: S.TRANSFERRED for s in (S.NEW, *_WORKABLE)}),
    }
)

# Statuses in which somebody still owes the reporter work.
OPEN_STATUSES = frozenset({S.NEW, S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REOPENED,
                           S.TRANSFERRED})
# Statuses waiting for a first response (the acknowledgement clock runs).
AWAITING_ACK = frozenset({S.NEW, S.ASSIGNED, S.TRANSFERRED})
FINAL_STATUSES = frozenset({S.CLOSED, S.REJECTED, S.DUPLICATE})


def target(action: Action, status: Status) -> Status | None:
    """Where `action` takes a ticket in `status`, or None when the table forbids it."""
    return TRANSITIONS[action].get(status)


def allowed_actions(status: Status) -> list[Action]:
    return [action for action, edges in TRANSITIONS.items() if status in edges]


def mermaid() -> str:
    """The table as a Mermaid state diagram (the docs embed this text)."""
    lines = ["stateDiagram-v2", "    [*] --> new"]
    for action, edges in TRANSITIONS.items():
        for source, dest in edges.items():
            lines.append(f"    {source.value} --> {dest.value}: {action.value}")
    lines.append("    closed --> [*]")
    return "\n".join(lines)
