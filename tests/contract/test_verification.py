"""After a resolution, on every platform: the reporters say whether it was fixed and rate it.
"Not fixed" reopens the ticket and tells the crew; only a reporter may answer; nobody answering
within the verification time closes it as fixed but unverified, and a rating is still taken."""

from __future__ import annotations

from datetime import timedelta

from domain.status import Status
from domain.ticket import CloseReason, Rating

from .drivers.base import Place, Role, Verdict
from .steps import DONGHU, ZH, filed, told


async def test_not_fixed_reopens_then_fixed_and_rated(driver):
    await driver.open_private(Role.RIDER)
    number = await filed(driver, Role.RIDER, "路面鼓包", DONGHU)
    await driver.command(Role.STAFF, "resolve", number, "已填平")
    assert told(driver, Place.PRIVATE, Role.RIDER, number, "已填平")

    assert not (await driver.confirm(Role.RIDER, number, Verdict.NOT_FIXED)).refused
    reopened = await driver.ticket(number)
    assert reopened.status is Status.REOPENED
    assert reopened.events[-1].note == ZH("verify.not_fixed_reason")
    assert told(driver, Place.DEPARTMENT, None, number, ZH("status.reopened")), \
        "the crew is told"

    await driver.command(Role.STAFF, "resolve", number, "重新铺了沥青")
    if driver.capabilities.group_reports:
        # The question is in a group others read too; an outsider's answer does not count.
        outsider = await driver.confirm(Role.OUTSIDER, number, Verdict.FIXED)
        assert outsider.refused and "只有报告" in outsider.text
        assert (await driver.ticket(number)).status is Status.RESOLVED

    assert not (await driver.rate(Role.RIDER, number, Rating.BASICALLY_SATISFIED)).refused
    assert not (await driver.confirm(Role.RIDER, number, Verdict.FIXED)).refused
    closed = await driver.ticket(number)
    assert closed.status is Status.CLOSED and closed.close_reason == CloseReason.VERIFIED
    assert closed.rating is Rating.BASICALLY_SATISFIED
    rated = ZH("card.rating", rating=ZH("rating.basically_satisfied"))
    assert told(driver, Place.PRIVATE, Role.RIDER, number, rated)
    assert all(not s.actions for s in told(driver, Place.PRIVATE, Role.RIDER, number,
                                           "重新铺了沥青")), "nothing left to answer"


async def test_no_answer_in_time_closes_as_unverified(driver):
    await driver.open_private(Role.RIDER)
    number = await filed(driver, Role.RIDER, "路面鼓包", DONGHU)
    await driver.command(Role.STAFF, "resolve", number)
    hours = driver.settings.workflow.verify_hours
    await driver.advance(timedelta(hours=hours) - timedelta(minutes=1))
    assert (await driver.ticket(number)).status is Status.RESOLVED
    await driver.advance(timedelta(minutes=2))
    ticket = await driver.ticket(number)
    assert ticket.status is Status.CLOSED and ticket.close_reason == CloseReason.UNVERIFIED
    assert told(driver, Place.PRIVATE, Role.RIDER, number, "内未回复，按已解决办结")

    assert not (await driver.rate(Role.RIDER, number, Rating.DISSATISFIED)).refused, \
        "a rating is still welcome"
    assert (await driver.ticket(number)).rating is Rating.DISSATISFIED
    rated = ZH("card.rating", rating=ZH("rating.dissatisfied"))
    assert told(driver, Place.PRIVATE, Role.RIDER, number, rated)
