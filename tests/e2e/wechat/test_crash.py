"""A crash in the middle of a burst of WeChat reports: every push WeChat got "success" for is
in the inbox, every push made while the bot was down reaches it through WeChat's retries once
it is back, and each report is filed exactly once and its rider told of it."""

from __future__ import annotations

from collections import Counter

from tests.contract.drivers.base import Place, Role
from tests.contract.drivers.wechat import WeChatDriver
from tests.contract.steps import numbers_in, report, spot

REPORTS = 30
BEFORE_CRASH = 20


async def test_every_report_is_filed_once_across_a_crash(database_url, tmp_path, clock):
    # A follower's messages paced 0.3 s apart: the answers trail the burst, so the crash
    # lands in the middle of them on either database.
    driver = WeChatDriver(database_url, tmp_path, clock, wechat={"per_user_interval_s": 0.3})
    await driver.start()
    try:
        posted = []
        riders = (Role.RIDER, Role.RIDER_2)
        for index in range(BEFORE_CRASH):
            posted.append(await report(driver, riders[index % 2], f"井盖松动 第{index}处",
                                       spot(index), settle=False))

        def answered() -> int:
            """Tickets the riders have been told of so far."""
            return len({n for role in riders for s in driver.seen(Place.PRIVATE, role)
                        for n in numbers_in(s.text)})

        await driver.wait_for(lambda: answered() >= 2)
        await driver.crash()
        assert answered() < BEFORE_CRASH, "the crash came after the burst was done"
        for index in range(BEFORE_CRASH, REPORTS):
            posted.append(await report(driver, riders[index % 2], f"井盖松动 第{index}处",
                                       spot(index), settle=False))
        await driver.restart()
        await driver.settle()

        tickets = await driver.tickets()
        assert Counter(t.description for t in tickets) == Counter(
            f"井盖松动 第{i}处" for i in range(REPORTS))
        # Each rider was told the number of every ticket they reported, and of no other
        # (a rider beyond WeChat's budget hears by template message, which names the ticket).
        for role in riders:
            mine = {t.number for t in tickets if t.reporter.user_id == driver.address(role)}
            told = {n for s in driver.seen(Place.PRIVATE, role) for n in numbers_in(s.text)}
            assert told == mine and len(mine) == REPORTS // 2
    finally:
        await driver.stop()
