"""The local WeChat server and a bare callback endpoint, over real HTTP on localhost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from bot.localwechat import LocalWeChat
from bot.wechat.api import WeChatApi
from domain.clock import FakeClock

from .receiver import Receiver


@dataclass
class Setup:
    server: LocalWeChat
    receiver: Receiver
    api: WeChatApi
    clock: FakeClock
    session: aiohttp.ClientSession


async def make_setup(safe_mode: bool = True, **server_options: object
                     ) -> AsyncIterator[Setup]:
    clock = FakeClock(datetime(2026, 12, 7, 4, 0, tzinfo=UTC))
    # WeChat's own 5 s by default; the retry tests shorten it to stay quick.
    options: dict[str, object] = {"push_timeout_s": 5.0, **server_options}
    server = LocalWeChat(clock=clock, safe_mode=safe_mode, **options)  # type: ignore[arg-type]
    receiver = Receiver(server.crypto, clock, safe_mode=safe_mode)
    runner = web.AppRunner(receiver.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.bot_url = f"http://127.0.0.1:{port}/wechat"
    async with server, aiohttp.ClientSession() as session:
        api = WeChatApi(session, server.app_id, server.app_secret, base_url=server.base_url,
                        clock=clock, timeout_s=1.0, backoff_s=0.01)
        try:
            yield Setup(server, receiver, api, clock, session)
        finally:
            await runner.cleanup()


@pytest.fixture
async def wx() -> AsyncIterator[Setup]:
    async for setup in make_setup():
        yield setup


@pytest.fixture
async def wx_hasty() -> AsyncIterator[Setup]:
    """WeChat with a 0.5 s patience, for the tests of its retries."""
    async for setup in make_setup(push_timeout_s=0.5):
        yield setup


@pytest.fixture
async def wx_plain() -> AsyncIterator[Setup]:
    async for setup in make_setup(safe_mode=False):
        yield setup
