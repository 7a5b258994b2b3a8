"""The whole permission matrix: every operation for every kind of person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidTransition, NotPermitted
from domain.permissions import (
    OnlyReporters,
    Operation,
    Refusal,
    ReopenWindowPassed,
    Standing,
    decide,
    require,
    settled_at,
)
from domain.ticket import Actor, GeoPoint, Ticket

START = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
STAFF = Actor(2001, "张师傅")

PEOPLE = {
    "admin": Standing(admin=True),
    "staff": Standing(staff=True),
    "backup": Standing(backup=True),
    "supervisor": Standing(supervisor=True),
    "reporter": Standing(reporter=True),
    "stranger": Standing(),
    "staff_who_reported": Standing(staff=True, reporter=True),
}
RESPONSIBLE = {"admin", "staff", "backup", "supervisor", "staff_who_reported"}
REPORTERS = {"reporter", "staff_who_reported"}

# Who may do each operation on a resolved ticket, one day after it was resolved.
EXPECTED = {
    Operation.VIEW: set(PEOPLE),
    Operation.ACKNOWLEDGE: RESPONSIBLE,
    Operation.TAKE: RESPONSIBLE,
    Operation.PROGRESS: RESPONSIBLE,
    Operation.RESOLVE: RESPONSIBLE,
    Operation.REJECT: RESPONSIBLE,
    Operation.MARK_DUPLICATE: RESPONSIBLE,
    Operation.TRANSFER: RESPONSIBLE,
    Operation.REOPEN: RESPONSIBLE | REPORTERS,
    Operation.NOTE: RESPONSIBLE | REPORTERS,
    Operation.ADD_PHOTO: RESPONSIBLE | REPORTERS,
    Operation.VERIFY: REPORTERS,
    Operation.RATE: REPORTERS,
}


def resolved_ticket() -> Ticket:
    ticket = Ticket.report(number=42, reporter=Actor(3001, "小李"), chat_id=-100, message_id=5,
                           location=GeoPoint(39.92, 116.47), description="路面鼓包",
                           category_id="road", now=START, has_photo=True)
    ticket.assign("roads", START)
    ticket.resolve(STAFF, START + timedelta(hours=5))
    return ticket


def test_every_operation_is_in_the_matrix():
    assert set(EXPECTED) == set(Operation)


@pytest.mark.parametrize("operation", list(Operation))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_matrix(operation, who):
    ticket = resolved_ticket()
    now = START + timedelta(days=1)
    decision = decide(operation, PEOPLE[who], ticket, now, WEEK)
    assert decision.allowed is (who in EXPECTED[operation]), (operation, who)


def test_the_reporter_may_reopen_until_seven_days_after_resolution():
    ticket = resolved_ticket()
    resolved = ticket.resolved_at
    assert resolved is not None
    reporter = PEOPLE["reporter"]
    assert decide(Operation.REOPEN, reporter, ticket, resolved + WEEK, WEEK).allowed
    late = decide(Operation.REOPEN, reporter, ticket, resolved + WEEK + timedelta(minutes=1),
                  WEEK)
    assert late == decide(Operation.REOPEN, reporter, ticket, resolved + 2 * WEEK, WEEK)
    assert late.refusal is Refusal.REOPEN_WINDOW_PASSED


def test_staff_may_reopen_long_after():
    ticket = resolved_ticket()
    assert decide(Operation.REOPEN, PEOPLE["staff"], ticket, START + 10 * WEEK, WEEK).allowed


def test_an_unsettled_ticket_is_left_to_the_status_table():
    ticket = Ticket.report(number=1, reporter=Actor(3001, "小李"), chat_id=-100, message_id=5,
                           location=None, description="", category_id="road", now=START)
    assert decide(Operation.REOPEN, PEOPLE["reporter"], ticket, START + 2 * WEEK, WEEK).allowed
    with pytest.raises(InvalidTransition):
        ticket.reopen(Actor(3001, "小李"), START, "还没修")


def test_a_rejection_starts_the_reporter_window_too():
    ticket = Ticket.report(number=2, reporter=Actor(3001, "小李"), chat_id=-100, message_id=6,
                           location=None, description="", category_id="road", now=START)
    ticket.assign("roads", START)
    ticket.reject(STAFF, START + timedelta(hours=1), "不属于本部门")
    assert settled_at(ticket) == START + timedelta(hours=1)
    assert decide(Operation.REOPEN, PEOPLE["reporter"], ticket, START + WEEK, WEEK).allowed


def test_require_names_the_reason():
    ticket = resolved_ticket()
    now = START + timedelta(days=1)
    require(Operation.RESOLVE, PEOPLE["staff"], ticket, now, WEEK)
    with pytest.raises(NotPermitted) as refused:
        require(Operation.RESOLVE, PEOPLE["stranger"], ticket, now, WEEK)
    assert refused.value.params == {"action": "resolve", "number": 42}
    with pytest.raises(OnlyReporters):
        require(Operation.RATE, PEOPLE["admin"], ticket, now, WEEK)
    with pytest.raises(ReopenWindowPassed) as late:
        require(Operation.REOPEN, PEOPLE["reporter"], ticket, now + 2 * WEEK, WEEK)
    assert late.value.params["days"] == "7"
