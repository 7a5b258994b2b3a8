"""A report without a location, on every platform: after the grace period the rider is asked
once where it is; when nothing comes within the pairing window, one line says why nothing was
filed, and a location sent after that does not revive it."""

from __future__ import annotations

from datetime import timedelta

from .drivers.base import Role
from .steps import DONGHU, opening, saying


async def test_no_location_in_time_files_nothing_and_says_why(driver):
    intake = driver.settings.intake
    window = timedelta(minutes=intake.pair_window_minutes)
    grace = timedelta(seconds=intake.grace_seconds + 1)
    photo = await driver.post_photo(Role.RIDER, "路面鼓包")
    assert driver.answers(photo) == [], "within the grace period the rider may still send it"

    await driver.advance(grace)
    asks = [s for s in driver.answers(photo)
            if s.text.startswith((opening("intake.ask_location_group"),
                                  opening("intake.ask_location_private")))]
    assert len(asks) == 1, [s.text for s in driver.answers(photo)]
    assert str(intake.pair_window_minutes) in asks[0].text

    await driver.advance(window - grace - timedelta(minutes=1))
    assert saying(driver.answers(photo), "intake.expired") == []
    await driver.advance(timedelta(minutes=2))
    [line] = saying(driver.answers(photo), "intake.expired")
    assert "\n" not in line.text and str(intake.pair_window_minutes) in line.text
    assert await driver.tickets() == []
    assert len(driver.answers(photo)) == 2, "one request, one line: nothing more"

    late = await driver.post_location(Role.RIDER, DONGHU)
    await driver.advance(grace)
    assert await driver.tickets() == [], "a location after the window starts nothing old"
    assert saying(driver.answers(late), "intake.expired") == []
