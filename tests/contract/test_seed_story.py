"""The story the bot is built from, on every platform: a rider reports a bulge in the road at
12:00; the road crew acknowledges it, then resolves it at 17:00; the rider is told it took
5 hours 0 minutes, confirms the fix and rates it."""

from __future__ import annotations

from datetime import timedelta

from domain.identity import account
from domain.status import Action, Status
from domain.ticket import CloseReason, Rating

from .drivers.base import Place, Role, Verdict
from .steps import BEIJING, DONGHU, ZH, about, act, label, report, ticket_named, told

FIVE_HOURS = "5 小时 0 分"


async def test_the_road_bulge_is_fixed_in_five_hours(driver):
    await driver.open_private(Role.RIDER)
    assert driver.now().astimezone(BEIJING).strftime("%H:%M") == "12:00"
    posted = await report(driver, Role.RIDER, "路面鼓包，大货车压出来的", DONGHU)

    number = ticket_named(driver.answers(posted))
    ticket = await driver.ticket(number)
    assert ticket.department_id == "roads" and ticket.status is Status.ASSIGNED
    assert account(ticket.reporter.user_id) == driver.address(Role.RIDER)
    [announcement] = about(driver.seen(Place.DEPARTMENT), number)
    assert "张师傅" in announcement.text, "the crew member on duty is named"
    if driver.capabilities.photos:
        assert announcement.photo, "the crew sees the rider's photo"

    await driver.advance(timedelta(minutes=7))
    answer = await act(driver, Role.STAFF, number, Action.ACKNOWLEDGE, "ack")
    assert answer is None or not answer.refused
    assert any(f"{label(number)} 已受理 · 张师傅 · 12:07" in s.text
               for s in driver.answers(posted)), "the report's thread hears of it"

    await driver.advance(timedelta(hours=4, minutes=53))
    await driver.command(Role.STAFF, "resolve", number, "路面已铣平")
    resolved = await driver.ticket(number)
    assert resolved.status is Status.RESOLVED
    assert resolved.time_to_resolve == timedelta(hours=5)
    assert resolved.resolved_at.astimezone(BEIJING).strftime("%H:%M") == "17:00"
    assert any(FIVE_HOURS in s.text and "路面已铣平" in s.text for s in driver.answers(posted))
    [question] = told(driver, Place.PRIVATE, Role.RIDER, number, FIVE_HOURS)
    assert "17:00" in question.text

    assert not (await driver.confirm(Role.RIDER, number, Verdict.FIXED)).refused
    assert not (await driver.rate(Role.RIDER, number, Rating.SATISFIED)).refused

    closed = await driver.ticket(number)
    assert closed.status is Status.CLOSED and closed.close_reason == CloseReason.VERIFIED
    assert closed.rating is Rating.SATISFIED
    assert closed.time_to_resolve == timedelta(hours=5)
    rated = ZH("card.rating", rating=ZH("rating.satisfied"))
    assert told(driver, Place.REPORTS, Role.RIDER, number, rated), "the group sees the rating"
    assert told(driver, Place.PRIVATE, Role.RIDER, number, rated)
    assert all(not s.actions for s in told(driver, Place.PRIVATE, Role.RIDER, number,
                                           FIVE_HOURS)), "nothing left to answer"

