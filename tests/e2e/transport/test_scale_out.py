"""Two webhook workers on one PostgreSQL, sharing one port, take a storm of riders in one
group between them: every report becomes one ticket with its photo, numbers are not doubled,
and both workers handle reports (inbox lanes: one rider's updates in order, different riders'
side by side). The group's updates all arrive through the worker holding its connection, as
Telegram sends one chat's updates one after another; that worker announces them, and the
other claims its share from the shared inbox (`storage/wakeups.py`)."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest
from sqlalchemy import text

from bot.localapi.limits import FloodLimits
from domain.clock import SystemClock
from storage.db import create_engine
from tests.e2e.harness import GROUP, Harness, jpeg
from tests.e2e.transport.bot_process import (
    BotProcess,
    free_port,
    wait_ready,
    webhook_environment,
)

WORKERS = 2
RIDERS = list(range(7100, 7130))
HANDLED = re.compile(
    r'^liaison_handler_duration_seconds_count\{kind="message",outcome="ok"\} (\S+)$', re.M)


@pytest.mark.slow
async def test_two_workers_on_one_port_share_a_storm_in_one_group(backend, database_url,
                                                                   tmp_path):
    if backend != "postgresql":
        pytest.skip("several processes share a PostgreSQL server")
    # Riders' messages are dated by the real clock, as the workers' own clocks are real.
    harness = Harness(database_url, tmp_path, SystemClock(),  # type: ignore[arg-type]
                      server_limits=FloodLimits.unlimited())
    server = harness.server
    await server.start()
    harness._populate()
    for rider in RIDERS:
        server.register_user(rider, f"骑手{rider % 100}", language_code="zh")
    hook = free_port()
    workers: list[tuple[BotProcess, int]] = []
    for index in range(WORKERS):
        health = free_port()
        env = webhook_environment(database_url, tmp_path / "media", server.base_url,
                                  hook=hook, health=health, share_port=True)
        workers.append((BotProcess(env, tmp_path, tmp_path / f"worker-{index}.log"), health))
    engine = create_engine(database_url)
    try:
        for bot, port in workers:
            await bot.start()
            await wait_ready(bot, port)
        photo = jpeg()
        for index, rider in enumerate(RIDERS):
            await server.post_photo(GROUP, rider, photo, "路面鼓包")
            await server.post_location(GROUP, rider, 39.9010 + 0.0009 * (index % 10),
                                       116.4310 + 0.0012 * (index // 10))

        async def filed() -> list[tuple[int, str, bool]]:
            async with engine.connect() as conn:
                return [tuple(row) for row in (await conn.execute(text(
                    "SELECT number, reporter_id, has_photo FROM tickets ORDER BY number")))]

        for _ in range(900):  # 90 s
            tickets = await filed()
            if len(tickets) >= len(RIDERS):
                break
            await asyncio.sleep(0.1)
        assert [number for number, _, _ in tickets] == list(range(1, len(RIDERS) + 1))
        assert sorted(reporter for _, reporter, _ in tickets) == sorted(
            f"telegram:{rider}" for rider in RIDERS)
        assert all(has_photo for _, _, has_photo in tickets)
        handled = [await _handled(port) for _, port in workers]
        # Each worker took a share of the group's reports (photos and locations).
        assert all(count > 0 for count in handled), handled
        assert sum(handled) >= 2 * len(RIDERS)
        for bot, _ in workers:
            assert await bot.terminate() == 0
    finally:
        await engine.dispose()
        for bot, _ in workers:
            if bot.running:
                await bot.kill()
        await server.stop()
    for index in range(WORKERS):
        log = (tmp_path / f"worker-{index}.log").read_text()
        assert "Traceback" not in log, log[-3000:]


async def _handled(port: int) -> float:
    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{port}/metrics") as answer:
        found = HANDLED.search(await answer.text())
    return float(found.group(1)) if found else 0.0

