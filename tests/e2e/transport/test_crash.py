"""Kill the bot with SIGKILL at random moments while 600 reports stream in.

Afterwards every report has exactly one ticket and every expected reply was sent exactly once:
updates are confirmed only once stored, handled in the transaction that marks them done, and
a send cut off mid-request is looked for before it is repeated.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.localapi import LocalBotApi
from bot.settings import SAMPLE_CONFIG
from storage.db import create_engine, session_factory
from storage.models import PendingReportRow, TicketRow
from storage.uow import UnitOfWorkFactory
from tests.e2e.harness import FAST_SERVER, GROUP, OTHER_GROUP, PEOPLE, TOKEN
from tests.e2e.transport.bot_process import BotProcess, bot_environment

# Six kills land among 300 reports from 20 riders: every kill still falls mid-burst with sends,
# claims and filings in flight, which is what the test is about; the contract suite adds a
# smaller crash on every platform.
REPORTS = 300
KILLS = 6
RIDERS = range(4000, 4020)
DEPARTMENT_CHATS = (-1002000000001, -1002000000002, -1002000000003, -1002000000004,
                    -1002000000005)


def write_config_without_work_chats(path: Path) -> None:
    """The sample setup, but departments hear of tickets only through the group cards: every
    report then causes exactly one message, which keeps the count of what was sent exact."""
    text = SAMPLE_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^chat_id = -1002\d+\n", "", text)
    text = text.replace('area = "areas/', f'area = "{SAMPLE_CONFIG.parent / "areas"}/')
    path.write_text(text, encoding="utf-8")


def spot(index: int) -> tuple[float, float]:
    # 90 m apart across the district: no report duplicates another.
    return 39.8960 + 0.0008 * (index % 60), 116.4260 + 0.0011 * (index // 60)


@pytest.mark.slow
async def test_sigkill_at_random_moments_loses_and_repeats_nothing(database_url, tmp_path):
    rng = random.Random(1127)
    server = LocalBotApi(token=TOKEN, limits=FAST_SERVER, bot_username="liaison_bot",
                         can_read_all_group_messages=True)
    await server.start()
    for user_id, (first, last, username) in PEOPLE.items():
        server.register_user(user_id, first, last, username, "zh")
    for rider in RIDERS:
        server.register_user(rider, f"骑手{rider % 100}", language_code="zh")
    for chat_id in (GROUP, OTHER_GROUP, *DEPARTMENT_CHATS, -1009000000001):
        server.create_group(chat_id, f"chat {chat_id}", bot_status="administrator",
                            members={uid: "member" for uid in [*PEOPLE, *RIDERS]})
    write_config_without_work_chats(tmp_path / "config.toml")
    env = bot_environment(database_url, tmp_path / "media", server.base_url)
    log = tmp_path / "bot.log"
    reports: list[tuple[int, int]] = []
    bot: BotProcess | None = None
    chunk = REPORTS // (KILLS + 1)

    async def post(count: int) -> None:
        for _ in range(count):
            index = len(reports)
            if index >= REPORTS:
                return
            chat = GROUP if index % 2 else OTHER_GROUP
            lat, lon = spot(index)
            sent = await server.post_venue(chat, RIDERS[index % len(RIDERS)], lat, lon,
                                           f"路面鼓包 第{index}处", "示范街道")
            reports.append((chat, sent.message_id))

    try:
        for _ in range(KILLS):
            await post(chunk)
            bot = BotProcess(env, tmp_path, log)
            polls = server.requests_by_method["getUpdates"]
            await bot.start()
            await server.wait_until(
                lambda p=polls: True if server.requests_by_method["getUpdates"] > p else None,
                within=60)
            await asyncio.sleep(rng.uniform(0.05, 2.5))  # a random moment of its work
            await bot.kill()
        await post(REPORTS)

        bot = BotProcess(env, tmp_path, log)
        await bot.start()
        expected = set(reports)

        def answered() -> set[tuple[int, int | None]]:
            return {(m.chat_id, m.reply_to_message_id)
                    for chat in (GROUP, OTHER_GROUP) for m in server.bot_messages(chat)}

        def all_answered() -> bool | None:
            count = sum(len(server.bot_messages(chat)) for chat in (GROUP, OTHER_GROUP))
            if count < len(expected):
                return None
            return True if expected <= answered() else None

        def unanswered() -> str:
            missing = sorted(expected - answered())
            return f"{len(missing)} of {len(expected)} reports unanswered, first {missing[:5]}"

        await server.wait_until(all_answered, within=240, describe=unanswered)
        await server.wait_for_no_pending_updates(within=60)
        assert await bot.terminate() == 0, log.read_text()[-3000:]
    finally:
        if bot is not None and bot.running:
            await bot.kill()  # a failed run leaves no bot behind to load later tests
        await server.stop()

    replies = Counter((m.chat_id, m.reply_to_message_id)
                      for chat in (GROUP, OTHER_GROUP) for m in server.bot_messages(chat))
    assert all(replies[report] == 1 for report in reports), [
        (report, replies[report]) for report in reports if replies[report] != 1][:10]
    assert sum(replies.values()) == REPORTS, "nothing but the cards was sent to the groups"
    assert not any(server.bot_messages(chat) for chat in DEPARTMENT_CHATS)

    engine = create_engine(database_url)
    try:
        async with UnitOfWorkFactory(session_factory(engine))() as uow:
            tickets = await uow.execute(select(TicketRow.chat_id, TicketRow.message_id))
            per_report = Counter((int(chat.removeprefix("telegram:")), int(message))
                                 for chat, message in tickets.all())
            pending = await uow.execute(select(func.count()).select_from(PendingReportRow)
                                        .where(PendingReportRow.status == "open"))
            counts = await uow.outbox.counts()
    finally:
        await engine.dispose()
    assert per_report == Counter(reports)
    assert pending.scalar_one() == 0
    assert set(counts) <= {"sent", "skipped"}, counts
    assert "Traceback" not in log.read_text()
