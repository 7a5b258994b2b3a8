"""The WeChat view's page API refuses what the rider could not do: nothing before following,
a menu key or click-menu line the account never offered, a photo that is not base64. Each
refusal is a 400 with a short reason, and nothing reaches the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox import Sandbox
from bot.sandbox.wechat_view import RIDER
from bot.settings import SAMPLE_CONFIG, load_settings


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    settings = load_settings(SAMPLE_CONFIG)
    settings = settings.model_copy(update={
        "sandbox": settings.sandbox.model_copy(update={"wechat": True})})
    async with Sandbox(settings, listen="127.0.0.1:0", fast=True) as running:
        yield running


async def test_what_the_rider_could_not_do_is_refused(sandbox):
    assert sandbox.wechat is not None
    base = f"{sandbox.page_url}/sandbox/wechat"
    async with aiohttp.ClientSession() as http:
        async def post(action: str, body: object) -> tuple[int, str]:
            async with http.post(f"{base}/{action}", json=body) as response:
                return response.status, await response.text()

        assert await post("say", {"text": "路面有坑"}) == (400, "follow the account first")
        assert sandbox.wechat.pushes == []
        assert await post("follow", {}) == (200, '{"ok": true}')
        await sandbox.settle()
        pushed = len(sandbox.wechat.pushes)
        assert pushed == 1
        assert await post("click", {"key": "NOT_A_KEY"}) == (
            400, "not a button of the account's menu")
        assert await post("tap", {"id": "a0"}) == (400, "no click menu sent with that line")
        assert await post("photo", {"image": "not base64!"}) == (400, "image is not base64")
        assert await post("say", {"text": "   "}) == (400, "nothing to say")
        async with http.post(f"{base}/say", data="{") as broken:
            assert broken.status == 400
        assert len(sandbox.wechat.pushes) == pushed, "nothing refused reached the bot"

        async with http.get(f"{base}/state.json") as response:
            view = await response.json()
        assert view["followed"] is True
        assert [m["kind"] for m in view["messages"]][:1] == ["follow"]
        assert [b["key"] for b in view["menu"]] == ["REPORT", "MY_TICKETS", "STATIONS"]
        assert sandbox.wechat.menu is not None, "the menu was created on the server"
        assert sandbox.wechat.world.followers[RIDER].subscribed
        async with http.get(f"{base}/photo/p999") as missing:
            assert missing.status == 404
