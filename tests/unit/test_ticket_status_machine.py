"""Random sequences of actions: exactly the table's transitions succeed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import DomainError, InvalidTransition
from domain.status import TRANSITIONS, Action, Status, mermaid, target
from domain.ticket import SYSTEM, Actor, CloseReason, GeoPoint, Rating, Ticket, without_log

START = datetime(2026, 5, 1, 4, 0, tzinfo=UTC)
STAFF = Actor(7, "张师傅")


def new_ticket() -> Ticket:
    return Ticket.report(
        number=42, reporter=Actor(1, "小李"), chat_id=-100, message_id=5,
        location=GeoPoint(39.9, 116.4, 10.0), description="路面鼓包", category_id="road",
        now=START, has_photo=True,
    )


def perform(ticket: Ticket, action: Action, now: datetime) -> None:
    match action:
        case Action.ASSIGN:
            ticket.assign("roads", now)
        case Action.ACKNOWLEDGE:
            ticket.acknowledge(STAFF, now)
        case Action.TAKE:
            ticket.take(STAFF, now)
        case Action.PROGRESS:
            ticket.progress(STAFF, now, "在修")
        case Action.RESOLVE:
            ticket.resolve(STAFF, now, "修好了")
        case Action.CLOSE:
            ticket.close(SYSTEM, now, CloseReason.VERIFIED)
        case Action.REOPEN:
            ticket.reopen(STAFF, now, "又坏了")
        case Action.REJECT:
            ticket.reject(STAFF, now, "不归我们管")
        case Action.MARK_DUPLICATE:
            ticket.mark_duplicate(STAFF, now, 7)
        case Action.TRANSFER:
            ticket.transfer(STAFF, now, "water")


extra_steps = st.sampled_from(["note", "escalate", "remind", "rate", "reporter", "category"])
steps = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(list(Action)), extra_steps),
        # Negative steps model a worker whose clock lags a little behind another's.
        st.integers(min_value=-5, max_value=3 * 24 * 3600),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(steps)
def test_only_the_tables_transitions_succeed_and_replay_agrees(sequence):
    ticket = new_ticket()
    now = START
    for step, seconds in sequence:
        now = now + timedelta(seconds=seconds)
        before = ticket.status
        if isinstance(step, Action):
            expected = target(step, before)
            try:
                perform(ticket, step, now)
            except InvalidTransition:
                assert expected is None, f"{step} from {before} should be allowed"
                continue
            assert expected is not None, f"{step} from {before} should be refused"
            # A transfer lands in "assigned" at once, by way of "transferred".
            assert ticket.status == (Status.ASSIGNED if step is Action.TRANSFER else expected)
        else:
            apply_extra(ticket, step, now)
            assert ticket.status == before

        for duration in (ticket.time_to_acknowledge, ticket.time_to_resolve):
            assert duration is None or duration >= timedelta(0)

    replayed = Ticket.replay(ticket.events)
    assert without_log(replayed) == without_log(ticket)
    assert replayed.events == ticket.events
    times = [e.at for e in ticket.events]
    assert times == sorted(times)


def apply_extra(ticket: Ticket, step: str, now: datetime) -> None:
    match step:
        case "note":
            ticket.add_note(STAFF, now, "看过了")
        case "escalate":
            ticket.escalate(1, now, "backup")
        case "remind":
            ticket.remind(1, now, "staff")
        case "rate":
            ticket.rate(ticket.reporter, now, Rating.SATISFIED)
        case "reporter":
            ticket.add_reporter(Actor(2, "老王"), now, -100, 9, photos=1)
        case "category":
            ticket.change_category(STAFF, now, "sanitation")


def test_story_times_five_hours():
    ticket = new_ticket()
    ticket.assign("roads", START)
    ticket.acknowledge(STAFF, START + timedelta(minutes=7))
    ticket.resolve(STAFF, START + timedelta(hours=5), "已修平")
    assert ticket.time_to_acknowledge == timedelta(minutes=7)
    assert ticket.time_to_resolve == timedelta(hours=5)
    assert [e.kind for e in ticket.events] == ["created", "assign", "acknowledge", "resolve"]


def test_reasons_are_required():
    ticket = new_ticket()
    ticket.assign("roads", START)
    attempts = (lambda: ticket.reject(STAFF, START, "  "),
                lambda: ticket.add_note(STAFF, START, ""))
    for act in attempts:
        try:
            act()
        except DomainError as error:
            assert error.key == "error.reason_required"
        else:
            raise AssertionError("an empty reason was accepted")


def test_resolving_straight_from_assigned_records_the_response():
    ticket = new_ticket()
    ticket.assign("roads", START)
    ticket.resolve(STAFF, START + timedelta(hours=1))
    assert ticket.acknowledged_at == START + timedelta(hours=1)
    assert ticket.assignee == STAFF


def test_mermaid_diagram_in_docs_matches_the_table():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "status-machine.md"
    assert mermaid() in doc.read_text(encoding="utf-8")
    assert sum(len(edges) for edges in TRANSITIONS.values()) == mermaid().count(": ")
