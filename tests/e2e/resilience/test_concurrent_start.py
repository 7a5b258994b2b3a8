"""Three workers start at the same moment on an empty database: they take turns at the
schema (the first creates it, the others wait and find it current) and all come up."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.localapi import LocalBotApi
from storage.migrate import current_revision, head_revision
from tests.e2e.harness import FAST_SERVER, TOKEN
from tests.e2e.transport.bot_process import (
    BotProcess,
    free_port,
    wait_ready,
    webhook_environment,
)

WORKERS = 3


@pytest.mark.slow
async def test_three_workers_start_at_once_on_an_empty_database(empty_database_url, tmp_path):
    server = LocalBotApi(token=TOKEN, limits=FAST_SERVER, bot_username="liaison_bot",
                         can_read_all_group_messages=True)
    await server.start()
    workers: list[tuple[BotProcess, int]] = []
    for index in range(WORKERS):
        hook, health = free_port(), free_port()
        env = webhook_environment(empty_database_url, tmp_path / "media", server.base_url,
                                  hook=hook, health=health)
        workers.append((BotProcess(env, tmp_path, tmp_path / f"worker-{index}.log"), health))
    try:
        started = time.perf_counter()
        await asyncio.gather(*(bot.start() for bot, _ in workers))
        await asyncio.gather(*(wait_ready(bot, port) for bot, port in workers))
        print(f"\n{WORKERS} workers ready {time.perf_counter() - started:.1f} s after start")
        assert current_revision(empty_database_url) == head_revision()
        for bot, _ in workers:
            assert await bot.terminate() == 0
    finally:
        for bot, _ in workers:
            if bot.running:
                await bot.kill()
        await server.stop()
    for index in range(WORKERS):
        log = (tmp_path / f"worker-{index}.log").read_text()
        assert "Traceback" not in log and "UniqueViolation" not in log, log[-3000:]

