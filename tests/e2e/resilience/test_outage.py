"""The database goes away for ten seconds in the middle of a burst of reports.

Its connections are ended and new ones refused (as in a failover or a restart). Afterwards
every report is a ticket, every card was sent once, /readyz said "not ready" meanwhile and
"ready" after, and the admins heard of the outage and of its end. Polling and webhook mode.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections import Counter

import pytest
from pydantic import SecretStr

from tests.e2e.harness import ADMIN_CHAT, DISTRICT_CHAT, GROUP, RIDER, RIDER_2, ROADS_CHAT, Harness
from tests.e2e.resilience.probes import readiness

OUTAGE_S = 10.0
REPORTS = 12
INTERVAL_S = 0.9  # the burst spans the outage: some reports before, most during, some after
CUT_AFTER_S = 1.0
# A short notice threshold and short retries, so that a ten-second outage shows everything.
FAST_HEALTH = {"outage_notice_after_s": 3.0, "retry_initial_s": 0.1, "retry_max_s": 0.5}
NOTICE = "数据库已连不上"
ALL_CLEAR = re.compile(r"数据库已恢复.*等待处理的更新 (\d+) 条")
CARD = re.compile(r"#(\d{4}) ")


@pytest.fixture
def pg_outage(backend, postgres, database_url):
    if backend != "postgresql":
        pytest.skip("an outage of the database server is played on PostgreSQL")
    yield postgres
    postgres.restore(database_url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
async def test_outage_in_polling_mode(pg_outage, database_url, tmp_path, clock):
    harness = Harness(database_url, tmp_path, clock, health=dict(FAST_HEALTH))
    await harness.start()
    try:
        await play_outage(harness, pg_outage, database_url)
    finally:
        await harness.stop()


@pytest.mark.slow
async def test_outage_in_webhook_mode(pg_outage, database_url, tmp_path, clock):
    port = free_port()
    harness = Harness(database_url, tmp_path, clock, health=dict(FAST_HEALTH), telegram={
        "mode": "webhook", "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_secret": SecretStr("s3cret-for-tests"), "webhook_listen": f"127.0.0.1:{port}"})
    await harness.start()
    # The local server retries a refused update like Telegram, with growing pauses; capped
    # short here so the test does not wait out a long pause after the outage.
    harness.server.webhook.retry_max = 1.0
    try:
        await play_outage(harness, pg_outage, database_url)
        assert harness.server.webhook.failures > 0, "updates were refused during the outage"
    finally:
        await harness.stop()


async def play_outage(harness: Harness, postgres, database_url: str) -> None:
    server = harness.server
    app = harness.app
    assert app is not None
    loop = asyncio.get_running_loop()
    reports: list[tuple[int, float]] = []

    async def burst() -> None:
        for index in range(REPORTS):
            lat, lon = 39.9010 + 0.0008 * (index % 6), 116.4310 + 0.0011 * (index // 6)
            sent = await server.post_venue(GROUP, (RIDER, RIDER_2)[index % 2], lat, lon,
                                           f"路面鼓包 第{index}处", "东湖路")
            reports.append((sent.message_id, loop.time()))
            await asyncio.sleep(INTERVAL_S)

    poster = asyncio.create_task(burst())
    await asyncio.sleep(CUT_AFTER_S)
    cut_at = loop.time()
    await asyncio.to_thread(postgres.cut, database_url)
    status, body = await _until_unready(app)
    assert status == 503 and body["checks"]["database"].startswith("unreachable"), body
    await server.wait_until(lambda: _one(harness, NOTICE), within=OUTAGE_S,
                            describe=lambda: str(harness.bot_texts(ADMIN_CHAT)))
    await asyncio.sleep(max(0.0, cut_at + OUTAGE_S - loop.time()))
    await asyncio.to_thread(postgres.restore, database_url)
    restored_at = loop.time()
    await poster
    await harness.settle(within=60)
    print(f"\nall {REPORTS} reports filed and answered "
          f"{loop.time() - restored_at:.1f} s after the database came back")

    during = sum(1 for _, at in reports if cut_at <= at < restored_at)
    assert during >= REPORTS // 2, "most of the burst came during the outage"
    status, body = await readiness(app)
    assert status == 200 and body["ready"], body

    # Every report is a ticket, answered by exactly one card.
    assert await harness.count() == REPORTS
    for message_id, _ in reports:
        cards = [m for m in server.bot_messages(GROUP)
                 if m.reply_to_message_id == message_id and m.inline_keyboard]
        assert len(cards) == 1, (message_id, harness.bot_texts(GROUP))
    announced = Counter(
        int(match.group(1)) for chat in (ROADS_CHAT, DISTRICT_CHAT)
        for m in server.bot_messages(chat)
        if (match := CARD.search((m.text or m.caption or "").split("\n")[0])))
    assert sorted(announced) == list(range(1, REPORTS + 1)) and set(announced.values()) == {1}

    # The admins were told once that the database was away, and once that it was back.
    admin = harness.bot_texts(ADMIN_CHAT)
    notices = [i for i, text in enumerate(admin) if NOTICE in text]
    clears = [(i, ALL_CLEAR.search(text)) for i, text in enumerate(admin)
              if ALL_CLEAR.search(text)]
    assert len(notices) == 1 and len(clears) == 1, admin
    assert notices[0] < clears[0][0]
    waited = int(clears[0][1].group(1))
    assert during <= waited <= REPORTS, (during, waited, admin)
    assert app.supervisor.not_running == []


async def _until_unready(app) -> tuple[int, dict]:
    for _ in range(100):
        status, body = await readiness(app)
        if status != 200:
            return status, body
        await asyncio.sleep(0.05)
    return status, body


def _one(harness: Harness, needle: str) -> bool | None:
    return True if any(needle in text for text in harness.bot_texts(ADMIN_CHAT)) else None
