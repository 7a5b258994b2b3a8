"""The consequence table knows every kind of event the domain records, and a batch's effects
follow from its events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.ticket import Actor, CloseReason, GeoPoint, Rating, Ticket
from domain.ticket_changes import EVENT_KINDS
from handlers.consequences import CONSEQUENCES, Batch, Effect, Hints
from handlers.consequences.table import effects_of

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
STAFF = Actor(2001, "张师傅")
RIDER = Actor(3001, "小李")


def new_ticket() -> Ticket:
    ticket = Ticket.report(number=7, reporter=RIDER, chat_id=-100, message_id=5,
                           location=GeoPoint(39.9, 116.4), description="路面鼓包",
                           category_id="road", now=NOW)
    ticket.assign("roads", NOW)
    return ticket


def every_method(ticket: Ticket) -> None:
    """Each public way of changing a ticket, once."""
    at = NOW
    for step in (
        lambda t, at: t.escalate(1, at, "backup"),
        lambda t, at: t.add_reporter(Actor(3002, "老王"), at, -100, 6),
        lambda t, at: t.add_photo(RIDER, at),
        lambda t, at: t.change_category(RIDER, at, "water"),
        lambda t, at: t.edit_description(RIDER, at, "路面鼓包，很深"),
        lambda t, at: t.add_note(STAFF, at, "明早去"),
        lambda t, at: t.acknowledge(STAFF, at),
        lambda t, at: t.take(STAFF, at),
        lambda t, at: t.progress(STAFF, at, "铣刨"),
        lambda t, at: t.remind(1, at, "staff"),
        lambda t, at: t.transfer(STAFF, at, "water", "管线"),
        lambda t, at: t.acknowledge(STAFF, at),
        lambda t, at: t.resolve(STAFF, at, "好了"),
        lambda t, at: t.reopen(RIDER, at, "没修好"),
        lambda t, at: t.resolve(STAFF, at),
        lambda t, at: t.close(RIDER, at, CloseReason.VERIFIED),
        lambda t, at: t.rate(RIDER, at, Rating.SATISFIED),
    ):
        step(ticket, at)
        at += timedelta(minutes=1)


def test_every_event_kind_of_the_domain_has_its_consequences() -> None:
    assert set(CONSEQUENCES) == set(EVENT_KINDS)


def test_the_domain_records_only_kinds_it_declares() -> None:
    ticket = new_ticket()
    every_method(ticket)
    other = new_ticket()
    other.reject(STAFF, NOW, "不归我们")
    third = new_ticket()
    third.mark_duplicate(STAFF, NOW, 3)
    kinds = {e.kind for t in (ticket, other, third) for e in t.events}
    assert kinds <= EVENT_KINDS
    # Every declared kind is reachable, so none in the table is dead.
    assert kinds == EVENT_KINDS


@pytest.mark.parametrize("kind", sorted(EVENT_KINDS))
def test_every_change_is_saved_and_planned(kind: str) -> None:
    assert {Effect.SAVE, Effect.PLAN} <= CONSEQUENCES[kind]


def test_status_changes_are_shown_and_told() -> None:
    for kind in ("acknowledge", "take", "progress", "reopen", "reject", "transfer",
                 "mark_duplicate", "close"):
        assert {Effect.CARDS, Effect.STATUS_LINE} <= CONSEQUENCES[kind], kind
    assert Effect.QUESTION in CONSEQUENCES["resolve"]
    assert Effect.NOTICE in CONSEQUENCES["escalated"] & CONSEQUENCES["reminded"]


def test_an_after_photo_does_not_touch_the_cards_a_photo_of_the_problem_does() -> None:
    ticket = new_ticket()
    ticket.add_photo(STAFF, NOW, kind="after")
    ticket.add_photo(RIDER, NOW, kind="before")
    after, before = ticket.events[-2:]
    assert Effect.CARDS not in effects_of(after)
    assert Effect.CARDS in effects_of(before)


def test_a_batch_is_the_events_since_its_start() -> None:
    ticket = new_ticket()
    start = len(ticket.events)
    ticket.acknowledge(STAFF, NOW)
    ticket.transfer(STAFF, NOW, "water")
    batch = Batch(ticket, start)
    assert batch.kinds == {"acknowledge", "transfer", "assign"}
    assert batch.department_before == "roads"
    assert Effect.STATUS_LINE in batch.effects
    assert Batch(ticket, 0).department_before is None


def test_a_reporters_answer_edits_the_question() -> None:
    ticket = new_ticket()
    ticket.acknowledge(STAFF, NOW)
    ticket.resolve(STAFF, NOW)
    start = len(ticket.events)
    ticket.reopen(RIDER, NOW, "没修好")
    assert Effect.QUESTIONS_EDITED not in Batch(ticket, start).effects
    assert Effect.QUESTIONS_EDITED in Batch(ticket, start, Hints(answered=True)).effects
