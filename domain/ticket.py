"""The ticket aggregate: a tracked case built from a report.

Every change is a `TicketEvent` appended to the ticket's log and applied by one function, so the
state can always be rebuilt from the log (`Ticket.replay`). Methods take `now` explicitly: the
domain never reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from domain.errors import DuplicateOfItself, InvalidTransition, ReasonRequired
from domain.status import AWAITING_ACK, OPEN_STATUSES, Action, Status, target
from domain.ticket_changes import APPLY
from domain.values import SYSTEM, Actor, CloseReason, GeoPoint, Rating, TicketEvent

__all__ = ["SYSTEM", "Actor", "CloseReason", "GeoPoint", "Rating", "Ticket", "TicketEvent",
           "label", "without_log"]


@dataclass
class Ticket:
    number: int
    status: Status
    reporter: Actor
    chat_id: str
    message_id: str | None
    location: GeoPoint | None
    description: str
    category_id: str
    reported_at: datetime
    has_photo: bool = False
    address: str = ""
    forwarded_from: str = ""
    department_id: str | None = None
    assignee: Actor | None = None
    assigned_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str = ""
    duplicate_of: int | None = None
    reporter_count: int = 1
    rating: Rating | None = None
    ack_escalation: int = 0
    resolve_reminder: int = 0
    events: list[TicketEvent] = field(default_factory=list)
    id: int | None = None
    # Events before this index are already stored; storage appends the rest.
    stored_events: int = 0

    # -- creation and replay -------------------------------------------------------------

    @classmethod
    def report(
        cls,
        *,
        number: int,
        reporter: Actor,
        chat_id: str,
        message_id: str | None,
        location: GeoPoint | None,
        description: str,
        category_id: str,
        now: datetime,
        has_photo: bool = False,
        address: str = "",
        forwarded_from: str = "",
    ) -> Ticket:
        created = TicketEvent(
            kind="created",
            at=now,
            actor=reporter,
            to_status=Status.NEW,
            data=_frozen(
                number=number,
                chat_id=chat_id,
                message_id=message_id,
                lat=location.lat if location else None,
                lon=location.lon if location else None,
                accuracy_m=location.accuracy_m if location else None,
                description=description,
                category_id=category_id,
                has_photo=has_photo,
                address=address,
                forwarded_from=forwarded_from,
            ),
        )
        ticket = _from_created(created)
        ticket.events.append(created)
        return ticket

    @classmethod
    def replay(cls, events: Iterable[TicketEvent]) -> Ticket:
        """Rebuild a ticket from its log; the result equals the ticket that wrote the log."""
        iterator = iter(events)
        first = next(iterator)
        if first.kind != "created":
            raise ValueError("a ticket's log starts with its creation")
        ticket = _from_created(first)
        ticket.events.append(first)
        for event in iterator:
            ticket._apply(event)
            ticket.events.append(event)
        ticket.stored_events = len(ticket.events)
        return ticket

    # -- derived -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_ack(self) -> bool:
        return self.status in AWAITING_ACK or self.status is Status.REOPENED

    @property
    def time_to_acknowledge(self) -> timedelta | None:
        return None if self.acknowledged_at is None else self.acknowledged_at - self.reported_at

    @property
    def time_to_resolve(self) -> timedelta | None:
        return None if self.resolved_at is None else self.resolved_at - self.reported_at

    @property
    def new_events(self) -> list[TicketEvent]:
        return self.events[self.stored_events :]

    @property
    def last_event_at(self) -> datetime:
        return self.events[-1].at

    # -- status changes (each checks the transition table) --------------------------------

    def assign(self, department_id: str, now: datetime, actor: Actor = SYSTEM) -> None:
        self._transition(Action.ASSIGN, actor, now, data=_frozen(department_id=department_id))

    def acknowledge(self, actor: Actor, now: datetime) -> None:
        self._transition(Action.ACKNOWLEDGE, actor, now)

    def take(self, actor: Actor, now: datetime) -> None:
        self._transition(Action.TAKE, actor, now)

    def progress(self, actor: Actor, now: datetime, note: str = "") -> None:
        self._transition(Action.PROGRESS, actor, now, note=note)

    def resolve(self, actor: Actor, now: datetime, note: str = "") -> None:
        self._transition(Action.RESOLVE, actor, now, note=note)

    def close(self, actor: Actor, now: datetime, reason: CloseReason) -> None:
        self._transition(Action.CLOSE, actor, now, data=_frozen(reason=reason.value))

    def reopen(self, actor: Actor, now: datetime, reason: str) -> None:
        self._transition(Action.REOPEN, actor, now, note=_required(reason, Action.REOPEN))

    def reject(self, actor: Actor, now: datetime, reason: str) -> None:
        self._transition(Action.REJECT, actor, now, note=_required(reason, Action.REJECT))

    def mark_duplicate(self, actor: Actor, now: datetime, of_number: int) -> None:
        if of_number == self.number:
            raise DuplicateOfItself(self.number)
        self._transition(
            Action.MARK_DUPLICATE, actor, now, data=_frozen(duplicate_of=of_number)
        )

    def transfer(self, actor: Actor, now: datetime, department_id: str, reason: str = "") -> None:
        """Hand the ticket to another department: transferred, then assigned there at once."""
        self._transition(
            Action.TRANSFER, actor, now, note=reason, data=_frozen(department_id=department_id)
        )
        self.assign(department_id, now, actor)

    # -- changes that keep the status ----------------------------------------------------

    def add_note(self, actor: Actor, now: datetime, text: str) -> None:
        self._record("note", actor, now, note=_required(text, "note"))

    def escalate(self, level: int, now: datetime, audience: str) -> None:
        """Acknowledgement overdue: announce again to a wider audience (A/B post, supervisors)."""
        self._record("escalated", SYSTEM, now, data=_frozen(level=level, audience=audience))

    def remind(self, level: int, now: datetime, audience: str) -> None:
        """Resolution overdue: remind the staff, later their supervisors."""
        self._record("reminded", SYSTEM, now, data=_frozen(level=level, audience=audience))

    def add_reporter(self, reporter: Actor, now: datetime, chat_id: str,
                     message_id: str | None, photos: int = 0) -> None:
        """Another report of the same problem was linked to this ticket."""
        self._record(
            "reporter_added",
            reporter,
            now,
            data=_frozen(chat_id=chat_id, message_id=message_id, photos=photos),
        )

    def add_photo(self, actor: Actor, now: datetime, kind: str = "before") -> None:
        self._record("photo_added", actor, now, data=_frozen(kind=kind))

    def change_category(self, actor: Actor, now: datetime, category_id: str) -> None:
        self._record(
            "category_changed", actor, now,
            data=_frozen(category_id=category_id, previous=self.category_id),
        )

    def edit_description(self, actor: Actor, now: datetime, text: str) -> None:
        self._record("description_edited", actor, now, note=text)

    def rate(self, actor: Actor, now: datetime, rating: Rating) -> None:
        self._record("rated", actor, now, data=_frozen(rating=rating.value))

    # -- the one place that changes state --------------------------------------------------

    def _transition(self, action: Action, actor: Actor, now: datetime, *, note: str = "",
                    data: Mapping[str, Any] | None = None) -> None:
        dest = target(action, self.status)
        if dest is None:
            raise InvalidTransition(action.value, self.status.value, self.number)
        self._record(action.value, actor, now, note=note, data=data,
                     from_status=self.status, to_status=dest)

    def _record(self, kind: str, actor: Actor, now: datetime, *, note: str = "",
                data: Mapping[str, Any] | None = None, from_status: Status | None = None,
                to_status: Status | None = None) -> None:
        # Clocks of several workers can disagree by a few milliseconds; a log that goes back
        # in time would make durations negative, so an event is never earlier than the last.
        at = max(now, self.last_event_at) if self.events else now
        event = TicketEvent(kind, at, actor, from_status, to_status, note,
                            data if data is not None else MappingProxyType({}))
        self._apply(event)
        self.events.append(event)

    def _apply(self, event: TicketEvent) -> None:
        data = event.data
        if event.to_status is not None:
            self.status = event.to_status
        handler = APPLY.get(event.kind)
        if handler is not None:
            handler(self, event, data)


def _from_created(event: TicketEvent) -> Ticket:
    d = event.data
    location = (
        GeoPoint(d["lat"], d["lon"], d.get("accuracy_m")) if d.get("lat") is not None else None
    )
    return Ticket(
        number=d["number"],
        status=Status.NEW,
        reporter=event.actor,
        chat_id=d["chat_id"],
        message_id=d.get("message_id"),
        location=location,
        description=d.get("description", ""),
        category_id=d["category_id"],
        reported_at=event.at,
        has_photo=bool(d.get("has_photo")),
        address=d.get("address", ""),
        forwarded_from=d.get("forwarded_from", ""),
    )


def _frozen(**values: Any) -> Mapping[str, Any]:
    return MappingProxyType(values)


def _required(text: str, action: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise ReasonRequired(str(action))
    return cleaned


def without_log(ticket: Ticket) -> Ticket:
    """A copy of the ticket's state without its log, for comparing states."""
    return replace(ticket, events=[], stored_events=0)


def label(number: int) -> str:
    """The short human number shown everywhere: #0042."""
    return f"#{number:04d}"
