"""Which effects each kind of ticket event has. Every kind the domain knows has an entry
(`domain.ticket_changes.EVENT_KINDS`; tested), so a new kind cannot go unnoticed."""

from __future__ import annotations

from enum import Enum

from domain.ticket import TicketEvent


class Effect(Enum):
    # In the order they run for one ticket's batch of new events.
    SAVE = "save"                  # the events and the row's projection
    PLAN = "plan"                  # deadlines and the next scheduled check
    CARDS = "cards"                # post (new), hand over (new department) or edit the cards
    NOTICE = "notice"              # an escalation or reminder to the people it names
    QUESTION = "question"          # a resolution: "has it been fixed?" to the reporters
    STATUS_LINE = "status_line"    # the line in the report's thread, privately to followers
    QUESTIONS_EDITED = "questions_edited"  # the resolution's question shows the answer
    DEPARTMENT_NOTE = "department_note"    # a note from outside the department, to it
    JOIN_ORIGINAL = "join_original"        # a duplicate's reporters follow the original


E = Effect
_ALWAYS = frozenset({E.SAVE, E.PLAN})
_SHOWN = _ALWAYS | {E.CARDS}
_TOLD = _SHOWN | {E.STATUS_LINE}

CONSEQUENCES: dict[str, frozenset[Effect]] = {
    "created": _SHOWN,
    "assign": _SHOWN,
    "acknowledge": _TOLD,
    "take": _TOLD,
    "progress": _TOLD,
    "resolve": _SHOWN | {E.QUESTION},
    # A close follows a resolution: its reporters see it in the question they were asked.
    "close": _TOLD | {E.QUESTIONS_EDITED},
    "reopen": _TOLD,
    "reject": _TOLD,
    "mark_duplicate": _TOLD | {E.JOIN_ORIGINAL},
    "transfer": _TOLD,
    "escalated": _SHOWN | {E.NOTICE},
    "reminded": _SHOWN | {E.NOTICE},
    "reporter_added": _SHOWN,
    "photo_added": _SHOWN,
    "category_changed": _SHOWN,
    "description_edited": _SHOWN,
    "rated": _SHOWN | {E.QUESTIONS_EDITED},
    # A note changes nothing anyone sees on a card; the staff read it in the log.
    "note": _ALWAYS | {E.DEPARTMENT_NOTE},
}


def effects_of(event: TicketEvent) -> frozenset[Effect]:
    """The event's effects. An after photo is shown with the resolution (or, sent on its own,
    by the photo handler in the report's thread), not on the cards, which count the photos
    of the problem."""
    effects = CONSEQUENCES[event.kind]
    if event.kind == "photo_added" and event.data.get("kind") == "after":
        return effects - {E.CARDS}
    return effects
