"""Three workers start at the same moment on an empty database: they take turns at the
schema (the first creates it, the others wait and find it current) and all come up."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest

from bot.localapi import LocalBotApi
from storage.migrate import current_revision, head_revision
from tests.e2e.harness import FAST_SERVER, TOKEN
from tests.e2e.transport.bot_process import BotProcess, bot_environment

WORKERS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
async def test_three_workers_start_at_once_on_an_empty_database(empty_database_url, tmp_path):
    server = LocalBotApi(token=TOKEN, limits=FAST_SERVER, bot_username="liaison_bot",
                         can_read_all_group_messages=True)
    await server.start()
    workers: list[tuple[BotProcess, int]] = []
    for index in range(WORKERS):
        hook, health = free_port(), free_port()
        env = bot_environment(empty_database_url, tmp_path / "media", server.base_url)
        env.update({
            "LIAISON_TELEGRAM__MODE": "webhook",
            "LIAISON_TELEGRAM__WEBHOOK_URL": f"http://127.0.0.1:{hook}/telegram/hook",
            "LIAISON_TELEGRAM__WEBHOOK_SECRET": "s3cret-for-tests",
            "LIAISON_TELEGRAM__WEBHOOK_LISTEN": f"127.0.0.1:{hook}",
            "LIAISON_METRICS__LISTEN": f"127.0.0.1:{health}",
        })
        workers.append((BotProcess(env, tmp_path, tmp_path / f"worker-{index}.log"), health))
    try:
        started = time.perf_counter()
        await asyncio.gather(*(bot.start() for bot, _ in workers))
        await asyncio.gather(*(_ready(bot, port) for bot, port in workers))
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


async def _ready(bot: BotProcess, port: int, within: float = 90.0) -> None:
    deadline = time.perf_counter() + within
    async with aiohttp.ClientSession() as http:
        while time.perf_counter() < deadline:
            assert bot.running, ("a worker ended while starting:\n"
                                 + bot.log.read_text(errors="replace")[-3000:])
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"worker on :{port} not ready within {within} s")
