"""The duplicate rule, on every platform: a report of the same kind of problem within the
radius joins the open ticket (its reporter then hears how it goes); farther away, or from the
same person again, it does not add a reporter."""

from __future__ import annotations

from domain.identity import account
from domain.status import Action

from .drivers.base import Place, Role
from .steps import DONGHU, FAR, NEAR, act, filed, label, report, saying, ticket_named, told


async def test_a_second_report_nearby_joins_the_first(driver):
    await driver.open_private(Role.RIDER_2)
    number = await filed(driver, Role.RIDER, "路面鼓包", DONGHU)

    second = await report(driver, Role.RIDER_2, "路面有个大坑", NEAR)  # about 22 m away
    [joined] = saying(driver.answers(second), "intake.duplicate_joined")
    assert label(number) in joined.text and "共 2 人" in joined.text
    [ticket] = await driver.tickets()
    assert ticket.number == number and ticket.reporter_count == 2

    await act(driver, Role.STAFF, number, Action.ACKNOWLEDGE, "ack")
    assert told(driver, Place.PRIVATE, Role.RIDER_2, number, "已受理"), \
        "the second reporter hears how it goes"

    again = await report(driver, Role.RIDER, "路面鼓包，又拍了一张", NEAR)
    [already] = saying(driver.answers(again), "intake.already_reported")
    assert label(number) in already.text
    assert (await driver.ticket(number)).reporter_count == 2, "the same person counts once"

    farther = await report(driver, Role.RIDER_2, "路面鼓包", FAR)  # about 111 m away
    other = ticket_named(driver.answers(farther))
    assert other != number
    lamp = ticket_named(driver.answers(await report(driver, Role.RIDER_2, "路灯不亮", NEAR)))
    assert len({number, other, lamp}) == 3, "another kind of problem is another ticket"
    tickets = await driver.tickets()
    assert [t.number for t in tickets] == sorted([number, other, lamp])
    assert [t.category_id for t in tickets] == ["road", "road", "lighting"]
    assert {account(t.reporter.user_id) for t in tickets[1:]} == {driver.address(Role.RIDER_2)}
