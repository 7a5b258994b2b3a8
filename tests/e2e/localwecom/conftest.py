"""A local WeCom server on a loopback port and smart-bot clients connected to it over real
WebSocket. Backoffs are shortened so reconnects take tenths of a second."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.localwecom import LocalWeCom
from bot.wecom.client import Backoff, WeComClient
from bot.wecom.frames import Callback

FAST = Backoff(base_s=0.05, cap_s=0.2, after_kick_s=0.3, handler_retry_cap_s=0.05)


class Inbox:
    """What the bot's handler was given, in order (stands in for the core's inbox)."""

    def __init__(self) -> None:
        self.items: list[Callback] = []
        self.fail_next = 0
        self._changed = asyncio.Event()

    async def __call__(self, callback: Callback) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("inbox unavailable")
        self.items.append(callback)
        self._changed.set()

    async def wait(self, count: int, within_s: float = 5.0) -> list[Callback]:
        async with asyncio.timeout(within_s):
            while len(self.items) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.items


@pytest.fixture
async def wecom() -> AsyncIterator[LocalWeCom]:
    server = LocalWeCom("bot-1", "s3cret")
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


ClientFactory = Callable[..., Awaitable[WeComClient]]


@pytest.fixture
async def connect(wecom: LocalWeCom) -> AsyncIterator[ClientFactory]:
    clients: list[WeComClient] = []

    async def make(handler: Callable[[Callback], Awaitable[None]], *, secret: str = "s3cret",
                   wait: bool = True, **options: object) -> WeComClient:
        options.setdefault("backoff", FAST)
        options.setdefault("request_timeout_s", 2.0)
        client = WeComClient("bot-1", secret, handler, url=wecom.ws_url, **options)
        clients.append(client)
        await client.start()
        if wait:
            await client.wait_ready(5)
        return client

    yield make
    for client in clients:
        await client.stop(drain_timeout_s=1)


async def eventually(condition: Callable[[], bool], within_s: float = 5.0) -> None:
    """Wait until `condition()` holds; state changes on the far side of a socket have no event
    to wait on here."""
    async with asyncio.timeout(within_s):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)
