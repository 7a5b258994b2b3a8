"""A flaky platform: 5xx, 429, timeouts, dropped connections and lost answers.

Every outgoing message still arrives exactly once and in order per chat, and the bot never
trips the platform's flood limits. The weather is the platform's, not the database's, so
this runs once, on SQLite.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.localapi.faults import FaultPlan
from bot.localapi.limits import FloodLimits
from bot.settings import RateLimits
from storage.migrate import upgrade
from tests.e2e.harness import (
    ADMIN,
    DISTRICT_CHAT,
    GROUP,
    OTHER_GROUP,
    ROADS_CHAT,
    SANITATION_CHAT,
    VOLUNTEER_CHAT,
    WATER_CHAT,
    Harness,
    jpeg,
)

SENDING = frozenset({"sendMessage", "sendPhoto", "editMessageText", "editMessageCaption",
                     "answerCallbackQuery"})
REPORTS = 40
DEPARTMENT_CHATS = (ROADS_CHAT, SANITATION_CHAT, WATER_CHAT, VOLUNTEER_CHAT, DISTRICT_CHAT)
CARD = re.compile(r"#(\d{4}) ")


def problem(index: int) -> str:
    # Different kinds go to different departments, whose chats are paced independently.
    kind = ("路面鼓包", "水管漏水", "垃圾堆积", "路灯不亮", "护栏损坏")[index % 5]
    return f"{kind} 问题{index}"


def spot(index: int) -> tuple[float, float]:
    # A grid 90 m apart inside the district, so no report duplicates another.
    return 39.900 + 0.0008 * (index % 40), 116.430 + 0.0011 * (index // 40)


@pytest.mark.slow
async def test_every_message_once_and_in_order_despite_faults(tmp_path, clock):
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'faults.db'}"
    upgrade(database_url)
    harness = Harness(
        database_url, tmp_path, clock,
        server_limits=FloodLimits(per_chat_per_second=40, per_group_per_minute=2400,
                                  global_per_second=400),
        limits=RateLimits(per_chat_interval_s=0.03, group_per_minute=2000, global_per_second=300),
        telegram={"request_timeout_s": 0.4},
    )
    await harness.start()
    server = harness.server
    try:
        server.set_faults(FaultPlan(
            server_error_rate=0.07, server_error_code=502, too_many_requests_rate=0.07,
            retry_after=1, slow_rate=0.05, slow_seconds=0.7, drop_rate=0.05,
            fail_after_effect_rate=0.06, methods=SENDING, seed=20261127))
        reports = []
        for index in range(REPORTS):
            chat = GROUP if index % 2 else OTHER_GROUP
            user = 3100 + index % 7
            server.register_user(user, f"骑手{index % 7}", language_code="zh")
            server.set_member_status(chat, user, "member")
            lat, lon = spot(index)
            if index % 3 == 0:
                await server.post_photo(chat, user, jpeg((index, 80, 160)), problem(index))
                report = await server.post_location(chat, user, lat, lon)
                report_id = report.message_id - 1
            else:
                report = await server.post_venue(chat, user, lat, lon, problem(index),
                                                 "东湖路")
                report_id = report.message_id
            reports.append((chat, report_id))
        await harness.settle(within=180)

        for chat, report_id in reports:
            cards = [m for m in server.bot_messages(chat) if m.reply_to_message_id == report_id
                     and m.inline_keyboard]
            assert len(cards) == 1, (chat, report_id, harness.bot_texts(chat))

        announced = Counter(
            int(match.group(1)) for chat in DEPARTMENT_CHATS for m in server.bot_messages(chat)
            if (match := CARD.search((m.text or m.caption or "").split("\n")[0])))
        assert sorted(announced) == list(range(1, REPORTS + 1))
        assert set(announced.values()) == {1}

        for chat in (GROUP, OTHER_GROUP):
            numbers = [int(m.group(1)) for msg in server.bot_messages(chat)
                       if msg.inline_keyboard
                       and (m := CARD.search((msg.text or "").split("\n")[0]))]
            assert numbers == sorted(numbers), "cards arrive in the order tickets were filed"

        # Buttons under the same weather: each press answered once, each card edited.
        cards = [m for chat in (GROUP, OTHER_GROUP) for m in server.bot_messages(chat)
                 if m.inline_keyboard and "问题" in (m.text or "")][:10]
        for card in cards:
            await server.press_button(card.chat_id, card.message_id, ADMIN, text="✅ 受理")
        await harness.settle(within=180)
        for card in cards:
            assert "已受理" in card.text
        answers = Counter(a.get("callback_query_id") for a in server.callback_answers())
        assert len(answers) == 10 and set(answers.values()) == {1}

        injected = server.faults.injected
        assert all(injected[kind] > 0 for kind in injected), injected
        assert server.flood_violations == 0
        assert harness.app.sender.recovered_count > 0, "lost answers were found, not resent"
    finally:
        server.clear_faults()
        await harness.stop()
