"""A crash in the middle of a burst, on every platform: riders report one after another, the
bot's process dies at once while it works through them, more reports arrive while it is down,
and once it is back every report is filed exactly once and answered exactly once (twice at
most where the platform cannot be asked whether a send landed)."""

from __future__ import annotations

from collections import Counter

from domain.identity import account

from .drivers.base import Place, Role
from .steps import numbers_in, report, spot

REPORTS = 30
BEFORE_CRASH = 18
RIDERS = (Role.RIDER, Role.RIDER_2)


async def test_every_report_is_filed_once_across_a_crash(driver):
    posted = []

    async def burst(indexes: range) -> None:
        for index in indexes:
            posted.append(await report(driver, RIDERS[index % 2], f"路面鼓包 第{index}处",
                                       spot(index), settle=False))

    def answered() -> int:
        return sum(1 for p in posted if any(numbers_in(s.text) for s in driver.answers(p)))

    await burst(range(BEFORE_CRASH))
    # Dies mid-work: some reports answered, the rest stored, in hand or not yet taken.
    await driver.wait_for(lambda: answered() >= 4)
    await driver.crash()
    at_crash = answered()
    assert at_crash < BEFORE_CRASH, "the crash came after the burst was done: nothing tested"
    await burst(range(BEFORE_CRASH, REPORTS))  # while the bot is down
    await driver.restart()
    await driver.settle()

    tickets = await driver.tickets()
    filed = Counter(t.description for t in tickets)
    assert filed == Counter(f"路面鼓包 第{i}处" for i in range(REPORTS)), filed
    assert len(tickets) == REPORTS
    if not driver.capabilities.reply_threads:
        # One to one and without threads, what a follower reads cannot be told apart by the
        # post it answers: each rider has been told the number of every ticket they reported,
        # and of no other.
        for role in RIDERS:
            mine = {t.number for t in tickets
                    if account(t.reporter.user_id) == driver.address(role)}
            told = {n for s in driver.seen(Place.PRIVATE, role) for n in numbers_in(s.text)}
            assert mine == told, (role, sorted(mine), sorted(told))
        return
    for index, photo in enumerate(posted):
        named = [n for s in driver.answers(photo) for n in numbers_in(s.text)]
        said = (index, [s.text for s in driver.answers(photo)])
        if driver.capabilities.checked_resends:
            assert len(named) == 1, said
        else:
            # The answer in flight at the crash may come twice; it is never lost, and never
            # names another ticket.
            assert 1 <= len(named) <= 2 and len(set(named)) == 1, said
        [ticket] = [t for t in tickets if t.number == named[0]]
        assert ticket.description == f"路面鼓包 第{index}处"
