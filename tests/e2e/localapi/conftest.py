"""Shared fixtures: a local Bot API server and a real aiogram Bot pointed at it over HTTP.

Test modules here are plain files (no package), so shared values come as fixtures:
`scene` names the people and chats every server starts with.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from PIL import Image

from bot.localapi import FloodLimits, LocalBotApi
from domain.clock import FakeClock


class LoopbackSession(AiohttpSession):
    """aiogram's session without the quarter-second pause it takes for TLS on close."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@dataclass(frozen=True)
class Scene:
    token: str = "4242:TEST-TOKEN"
    alice: int = 1001
    bob: int = 1002
    group: int = -1001234567890


def _jpeg(width: int = 640, height: int = 480, color: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def scene() -> Scene:
    return Scene()


@pytest.fixture
def jpeg() -> Callable[..., bytes]:
    return _jpeg


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock, scene: Scene) -> AsyncIterator[LocalBotApi]:
    api = LocalBotApi(
        token=scene.token,
        clock=clock,
        limits=FloodLimits.unlimited(),
        bot_username="liaison_bot",
        webhook_retry_initial=0.02,
        webhook_retry_max=0.1,
    )
    async with api:
        api.register_user(scene.alice, "Alice", "Rider", username="alice_rides", language_code="en")
        api.register_user(scene.bob, "Bob", username="bob_cleans", language_code="zh-hans")
        api.create_group(scene.group, "Riverside liaison")
        yield api


@pytest.fixture
async def bot_factory(server: LocalBotApi, scene: Scene) -> AsyncIterator[Callable[..., Bot]]:
    made: list[Bot] = []

    def make(token: str = scene.token) -> Bot:
        session = LoopbackSession(api=TelegramAPIServer.from_base(server.base_url))
        made.append(Bot(token, session=session))
        return made[-1]

    yield make
    for instance in made:
        await instance.session.close()


@pytest.fixture
def bot(bot_factory: Callable[..., Bot]) -> Bot:
    return bot_factory()
