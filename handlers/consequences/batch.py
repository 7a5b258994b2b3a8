"""The events one ticket recorded since its consequences were last settled."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.ticket import Ticket, TicketEvent
from handlers.consequences.table import Effect, effects_of


@dataclass
class Hints:
    """What an action knows that the log does not; each has a default from storage."""

    # A new ticket's announcement: the photo to show (a photo sent as a file is shown from
    # our stored copy) and how many photos the report had.
    photo: str | None = None
    photos: int | None = None
    # The change is a reporter's answer to the resolution's question: the question's copies
    # are edited first, and they tell the reporters.
    answered: bool = False


@dataclass(frozen=True)
class Batch:
    ticket: Ticket
    # Index in the log of the first event of this batch.
    start: int
    hints: Hints = field(default_factory=Hints)

    @property
    def events(self) -> list[TicketEvent]:
        return self.ticket.events[self.start:]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(event.kind for event in self.events)

    @property
    def effects(self) -> frozenset[Effect]:
        found: set[Effect] = set()
        for event in self.events:
            found |= effects_of(event)
        if self.hints.answered and "reopen" in self.kinds:
            found.add(Effect.QUESTIONS_EDITED)
        return frozenset(found)

    def indexed(self, kinds: frozenset[str]) -> list[int]:
        """Indexes in the log of this batch's events of those kinds."""
        return [index for index in range(self.start, len(self.ticket.events))
                if self.ticket.events[index].kind in kinds]

    @property
    def department_before(self) -> str | None:
        """The ticket's department before this batch (the last assignment before it)."""
        for event in reversed(self.ticket.events[:self.start]):
            if event.kind == "assign":
                department = event.data.get("department_id")
                return str(department) if department is not None else None
        return None
