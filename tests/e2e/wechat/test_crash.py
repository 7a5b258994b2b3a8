"""A crash in the middle of a burst of WeChat reports: every push WeChat got "success" for is
in the inbox, every push made while the bot was down reaches it through WeChat's retries once
it is back, and each report is filed exactly once."""

from __future__ import annotations

from collections import Counter

from tests.contract.drivers.base import Role
from tests.contract.drivers.wechat import WeChatDriver
from tests.contract.steps import numbers_in, report, spot

REPORTS = 30
BEFORE_CRASH = 20


async def test_every_report_is_filed_once_across_a_crash(database_url, tmp_path, clock):
    driver = WeChatDriver(database_url, tmp_path, clock)
    await driver.start()
    try:
        posted = []
        riders = (Role.RIDER, Role.RIDER_2)
        for index in range(BEFORE_CRASH):
            posted.append(await report(driver, riders[index % 2], f"井盖松动 第{index}处",
                                       spot(index), settle=False))

        def answered() -> int:
            return sum(1 for p in posted if any(numbers_in(s.text) for s in driver.answers(p)))

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
        for index, photo in enumerate(posted):
            named = {n for s in driver.answers(photo) for n in numbers_in(s.text)}
            [ticket] = [t for t in tickets if t.number in named]
            assert ticket.description == f"井盖松动 第{index}处"
    finally:
        await driver.stop()
