"""The chart's data on the fixed data set: per-day counts and time to resolve per category."""

from __future__ import annotations

from datetime import date, timedelta

from domain.clock import FakeClock
from storage.queries.percentiles import Spread
from storage.queries.scope import EVERYTHING, Scope
from tests.integration.test_digest_figures import DONGHU, TZ, build_dataset, local


async def test_fourteen_days_of_reports_and_resolutions(uows):
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    async with uows(read_only=True) as uow:
        group = await uow.queries.chart(Scope(chat_id=DONGHU), local(6, 2, 0), TZ)
        everyone = await uow.queries.chart(EVERYTHING, local(6, 2, 0), TZ)
    assert group.days == [date(2026, 5, 19) + timedelta(days=i) for i in range(14)]
    # Reported: #1 on 20 May, #2 on 25 May, #3 on 30 May, #4 on 31 May, five on 1 June.
    assert group.reported == [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 5]
    # Resolved: #1 on 21 May; #3, #6 and #7 on 1 June (#4 only on 2 June).
    assert group.resolved == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]
    # Roads: 5 h, 10 h, 24 h, 48 h → median 17 h, p90 24 + 0.7 × 24 = 40.8 h.
    assert group.by_category == [("road", Spread(4, 61200, 146880))]
    assert everyone.by_category == [("road", Spread(4, 61200, 146880)),
                                    ("sanitation", Spread(1, 7200, 7200))]
    assert everyone.reported[-1] == 6 and everyone.resolved[-1] == 4


async def test_a_running_day_ends_the_chart_today(uows):
    clock = FakeClock(local(5, 20, 9))
    await build_dataset(uows, clock)
    async with uows(read_only=True) as uow:
        data = await uow.queries.chart(Scope(chat_id=DONGHU), clock.now(), TZ)
    assert data.days[-1] == date(2026, 6, 2)
    assert (data.reported[-1], data.resolved[-1]) == (1, 1)
