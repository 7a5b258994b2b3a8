"""Presses nobody was offered, on every platform with buttons: data made up for another ticket
on a real message, data that reads as nothing, and a real button pressed by someone not allowed
to. Each is refused with a short answer and a log line, and changes nothing."""

from __future__ import annotations

import logging

import pytest

from domain.status import Action, Status

from .drivers.base import Forgery, Role, Verdict
from .steps import ZH, filed, label, spot


async def test_forged_and_unpermitted_presses_are_refused(driver, caplog):
    if not driver.capabilities.buttons:
        pytest.skip("nothing to press on this platform: commands are checked by the others")
    caplog.set_level(logging.WARNING, logger="handlers")
    first = await filed(driver, Role.RIDER, "路面鼓包", spot(0))
    second = await filed(driver, Role.RIDER_2, "路面鼓包", spot(1))
    stale = ZH("error.stale_button")

    other = await driver.forge_press(Role.STAFF, first, Forgery(second, Action.ACKNOWLEDGE))
    assert other.refused and other.text == stale
    garbage = await driver.forge_press(Role.STAFF, first, Forgery(None))
    assert garbage.refused and garbage.text == stale
    outsider = await driver.press(Role.OUTSIDER, first, Action.ACKNOWLEDGE)
    assert outsider.refused and outsider.text.startswith(
        ZH("error.not_permitted", ticket=label(first), action="")[:6])
    for number in (first, second):
        ticket = await driver.ticket(number)
        assert ticket.status is Status.ASSIGNED and ticket.acknowledged_at is None

    await driver.command(Role.STAFF, "resolve", first)
    await driver.command(Role.STAFF, "resolve", second)
    answer = await driver.forge_press(Role.RIDER, first, Forgery(second, Verdict.FIXED))
    assert answer.refused
    assert (await driver.ticket(second)).status is Status.RESOLVED, "not the rider's to close"

    refusals = [r for r in caplog.records if r.getMessage() == "button refused"]
    assert len(refusals) >= 3, [r.getMessage() for r in caplog.records]
