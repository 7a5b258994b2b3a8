"""How each event in a ticket's log changes the ticket's state.

`Ticket._apply` looks the event's kind up in `APPLY`; a transition's new status is set before.
Replaying a log through these functions rebuilds the ticket exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from domain.status import Action
from domain.values import Rating, TicketEvent

if TYPE_CHECKING:
    from domain.ticket import Ticket


def _apply_assign(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.department_id = data["department_id"]
    t.assigned_at = e.at
    t.ack_escalation = 0
    t.resolve_reminder = 0


def _apply_ack(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    if t.acknowledged_at is None:
        t.acknowledged_at = e.at


def _apply_take(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.assignee = e.actor
    _apply_ack(t, e, data)


def _apply_resolve(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    _apply_ack(t, e, data)
    t.resolved_at = e.at
    if t.assignee is None and not e.actor.is_system:
        t.assignee = e.actor


def _apply_close(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.closed_at = e.at
    t.close_reason = data.get("reason", "")


def _apply_reopen(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.resolved_at = None
    t.closed_at = None
    t.close_reason = ""
    t.duplicate_of = None
    t.ack_escalation = 0
    t.resolve_reminder = 0


def _apply_final(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.closed_at = e.at
    t.close_reason = e.kind
    if "duplicate_of" in data:
        t.duplicate_of = data["duplicate_of"]


def _apply_transfer(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.assignee = None


def _apply_escalated(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.ack_escalation = max(t.ack_escalation, int(data["level"]))


def _apply_reminded(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.resolve_reminder = max(t.resolve_reminder, int(data["level"]))


def _apply_reporter_added(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.reporter_count += 1
    if data.get("photos"):
        t.has_photo = True


def _apply_photo(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    if data.get("kind", "before") == "before":
        t.has_photo = True


def _apply_category(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.category_id = data["category_id"]


def _apply_description(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.description = e.note


def _apply_rated(t: Ticket, e: TicketEvent, data: Mapping[str, Any]) -> None:
    t.rating = Rating(data["rating"])


APPLY = {
    Action.ASSIGN.value: _apply_assign,
    Action.ACKNOWLEDGE.value: _apply_ack,
    Action.TAKE.value: _apply_take,
    Action.PROGRESS.value: _apply_ack,
    Action.RESOLVE.value: _apply_resolve,
    Action.CLOSE.value: _apply_close,
    Action.REOPEN.value: _apply_reopen,
    Action.REJECT.value: _apply_final,
    Action.MARK_DUPLICATE.value: _apply_final,
    Action.TRANSFER.value: _apply_transfer,
    "escalated": _apply_escalated,
    "reminded": _apply_reminded,
    "reporter_added": _apply_reporter_added,
    "photo_added": _apply_photo,
    "category_changed": _apply_category,
    "description_edited": _apply_description,
    "rated": _apply_rated,
}

# Every kind of event a ticket's log may hold: its creation, a note (which changes no state)
# and the kinds `APPLY` knows. Whatever reacts to events must know each of them.
EVENT_KINDS = frozenset({"created", "note", *APPLY})
