"""The sandbox's WeCom view, without a browser: a rider reports in the Telegram liaison group,
the road crew's WeCom group shows the card and photo, 张师傅 presses 受理 through the page's
API and then resolves with words and a photo."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest

from bot.sandbox import Sandbox
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.status import Status
from tests.e2e.harness import jpeg


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    settings = load_settings(SAMPLE_CONFIG)
    settings = settings.model_copy(update={
        "sandbox": settings.sandbox.model_copy(update={"wecom": True})})
    async with Sandbox(settings, listen="127.0.0.1:0", fast=True) as running:
        yield running


async def status_of(sandbox: Sandbox, number: int) -> Status:
    assert sandbox.app is not None
    async with sandbox.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
    assert ticket is not None
    return ticket.status


async def until(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Wait for what happens on the far side of sockets (no event to wait on here)."""
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)


async def test_the_crew_works_a_ticket_on_the_wecom_page(sandbox):
    rider = sandbox.cast.riders[0]
    group = next(c.id for c in sandbox.cast.chats if c.kind == "liaison")
    assert sandbox.server is not None
    await sandbox.server.post_photo(group, rider.id, jpeg(), "路面鼓包")
    await sandbox.server.post_location(group, rider.id, 39.9215, 116.4712)
    await sandbox.settle()
    base = f"{sandbox.page_url}/sandbox/wecom"
    async with aiohttp.ClientSession() as http:
        async with http.get(base) as page:
            assert "wecom.js" in await page.text()

        async def view() -> dict:
            async with http.get(f"{base}/state.json") as response:
                return await response.json()

        async def card_shown() -> bool:
            return any(p.get("card") for p in (await view())["posts"])
        await until(card_shown)
        posts = (await view())["posts"]
        [card] = [p["card"] for p in posts if p.get("card")]
        [image] = [p["image"] for p in posts if p.get("image")]
        async with http.get(f"{sandbox.page_url}{image}") as photo:
            assert photo.status == 200 and (await photo.read())[:3] == b"\xff\xd8\xff"
        key = next(b["key"] for b in card["buttons"] if "受理" in b["text"])
        async with http.post(f"{base}/press", json={"userid": "u2001",
                                                    "task_id": card["task_id"], "key": key}):
            pass

        async def acknowledged() -> bool:
            return await status_of(sandbox, 1) is Status.ACKNOWLEDGED
        await until(acknowledged)

        after = base64.b64encode(jpeg((20, 180, 20))).decode()
        async with http.post(f"{base}/say", json={"userid": "u2001", "text": "解决 1 已修复",
                                                  "image": after}) as said:
            assert said.status == 200

        async def resolved() -> bool:
            return await status_of(sandbox, 1) is Status.RESOLVED
        await until(resolved)
        async with http.post(f"{base}/say", json={"userid": "nobody", "text": "x"}) as refused:
            assert refused.status == 400
