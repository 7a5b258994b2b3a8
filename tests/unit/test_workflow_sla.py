"""Service levels: deadlines, the steps still to come, and what a restart or a second run finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.ticket import SYSTEM, Actor, CloseReason, GeoPoint, Ticket
from handlers.workflow import sla
from handlers.workflow.sla import Step, StepKind

NOON = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
STAFF = Actor(2001, "张师傅")
REPORTER = Actor(3001, "小李")
ROAD = sla.Windows(ack=timedelta(minutes=30), resolve=timedelta(hours=24),
                   verify=timedelta(hours=48))


def road_ticket() -> Ticket:
    ticket = Ticket.report(number=1, reporter=REPORTER, chat_id=-100, message_id=5,
                           location=GeoPoint(39.92, 116.47), description="路面鼓包",
                           category_id="road", now=NOON, has_photo=True)
    ticket.assign("roads", NOON)
    return ticket


def minutes(n: float) -> datetime:
    return NOON + timedelta(minutes=n)


def test_a_new_ticket_has_escalations_and_reminders_ahead():
    assert sla.planned_steps(road_ticket(), ROAD) == [
        Step(StepKind.ESCALATE, minutes(30), 1, "backup"),
        Step(StepKind.ESCALATE, minutes(60), 2, "supervisors"),
        Step(StepKind.REMIND, minutes(24 * 60), 1, "staff"),
        Step(StepKind.REMIND, minutes(48 * 60), 2, "supervisors"),
    ]
    assert sla.next_check(road_ticket(), ROAD) == minutes(30)


def test_a_step_taken_is_not_due_again():
    ticket = road_ticket()
    assert [s.level for s in sla.due_steps(ticket, ROAD, minutes(31))] == [1]
    ticket.escalate(1, minutes(31), "backup")
    assert sla.due_steps(ticket, ROAD, minutes(31)) == []
    assert sla.next_check(ticket, ROAD) == minutes(60)


def test_both_levels_fall_due_after_a_long_outage():
    due = sla.due_steps(road_ticket(), ROAD, minutes(90))
    assert [(s.kind, s.level) for s in due] == [(StepKind.ESCALATE, 1), (StepKind.ESCALATE, 2)]


def test_acknowledging_stops_the_escalation_but_not_the_reminders():
    ticket = road_ticket()
    ticket.acknowledge(STAFF, minutes(7))
    assert [s.kind for s in sla.planned_steps(ticket, ROAD)] == [StepKind.REMIND] * 2
    assert not sla.is_overdue(ticket, ROAD, minutes(60))
    assert sla.is_overdue(ticket, ROAD, minutes(24 * 60 + 1))


def test_a_transfer_restarts_the_acknowledgement_clock_but_keeps_the_deadline():
    ticket = road_ticket()
    ticket.escalate(1, minutes(31), "backup")
    ticket.transfer(STAFF, minutes(40), "sanitation")
    assert sla.ack_due(ticket, ROAD) == minutes(70)
    assert sla.resolve_due(ticket, ROAD) == minutes(24 * 60)
    assert sla.next_check(ticket, ROAD) == minutes(70)


def test_a_resolved_ticket_waits_for_its_reporter_then_closes():
    ticket = road_ticket()
    ticket.resolve(STAFF, minutes(300))
    assert sla.planned_steps(ticket, ROAD) == [
        Step(StepKind.CLOSE_UNVERIFIED, minutes(300 + 48 * 60))]
    ticket.close(SYSTEM, minutes(300 + 48 * 60), CloseReason.UNVERIFIED)
    assert sla.next_check(ticket, ROAD) is None


def test_reopening_starts_both_clocks_again():
    ticket = road_ticket()
    ticket.resolve(STAFF, minutes(300))
    ticket.reopen(REPORTER, minutes(400), "没修好")
    assert sla.ack_due(ticket, ROAD) == minutes(430)
    assert sla.resolve_due(ticket, ROAD) == minutes(400 + 24 * 60)
    assert sla.next_check(ticket, ROAD) == minutes(430)
