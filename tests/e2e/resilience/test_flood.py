"""One rider sends 50 reports in 20 seconds: a few are filed, the rest held for the admins,
who release them; they are then filed with their own report time. Staff are not limited."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.models import PendingReportRow, TicketRow
from tests.e2e.harness import ADMIN, ADMIN_CHAT, GROUP, RIDER, ROADS_STAFF, Harness, tg

REPORTS = 50
BURST = 5
PER_HOUR = 20
LIST = "暂存待审核的报告"
TOLD = "这条已暂存"


def spot(index: int) -> tuple[float, float]:
    # 90 m apart inside Donghu: no report duplicates another.
    return 39.9080 + 0.0008 * (index % 10), 116.4560 + 0.0011 * (index // 10)


async def test_a_flood_is_held_then_released(database_url, tmp_path, clock):
    harness = Harness(database_url, tmp_path, clock, intake={
        "reporter_limit_per_hour": PER_HOUR, "reporter_burst": BURST})
    await harness.start()
    server = harness.server
    try:
        start = clock.now()
        for index in range(REPORTS):
            lat, lon = spot(index)
            await server.post_venue(GROUP, RIDER, lat, lon, f"路面鼓包 第{index}处", "东湖路")
            clock.advance(timedelta(seconds=0.4))  # 50 reports in 20 s
        await harness.settle(within=120)

        assert await harness.count() == BURST
        first_times = await _rider_times(harness)
        held = await _pending(harness, "held")
        assert len(held) == REPORTS - BURST
        assert sum(TOLD in text for text in harness.bot_texts(GROUP)) == 1, "told once"
        lists = [m for m in server.bot_messages(ADMIN_CHAT) if LIST in (m.text or "")]
        assert len(lists) == 1, harness.bot_texts(ADMIN_CHAT)
        listing = lists[0]
        assert f"{LIST}：{REPORTS - BURST} 条" in listing.text

        # Staff are exempt.
        for index in range(BURST + 2):
            lat, lon = spot(REPORTS + index)
            await server.post_venue(GROUP, ROADS_STAFF, lat, lon, f"井盖破损 第{index}处", "东湖路")
        await harness.settle()
        assert await harness.count() == 2 * BURST + 2

        clock.advance(timedelta(minutes=30))
        release = next(b for row in listing.inline_keyboard for b in row
                       if b["callback_data"].startswith("h:release:"))
        await server.press_button(ADMIN_CHAT, listing.message_id, ADMIN,
                                  text=release["text"])
        await harness.settle(within=120)

        assert await harness.count() == REPORTS + BURST + 2
        assert await _pending(harness, "held") == []
        assert "已全部处理：放行 45 条，驳回 0 条" in listing.text
        rider_times = await _rider_times(harness)
        assert len(rider_times) == REPORTS
        # Filed with their own time: within the 20 s burst, not at the release 30 min later.
        assert all(start <= t <= start + timedelta(seconds=20) for t in rider_times)
        assert sorted(rider_times) == sorted([row.held_at for row in held] + first_times)
        cards = [m for m in server.bot_messages(GROUP) if m.inline_keyboard
                 and re.match(r".*#\d{4}", (m.text or "").split("\n")[0])]
        assert len(cards) == REPORTS + BURST + 2
    finally:
        await harness.stop()


async def _pending(harness: Harness, status: str) -> list[PendingReportRow]:
    async with harness.app.uows(read_only=True) as uow:
        rows = await uow.execute(select(PendingReportRow)
                                 .where(PendingReportRow.status == status))
        return list(rows.scalars())


async def _rider_times(harness: Harness) -> list:
    async with harness.app.uows(read_only=True) as uow:
        found = await uow.execute(select(TicketRow.reported_at)
                                  .where(TicketRow.reporter_id == tg(RIDER)))
        return list(found.scalars())
