"""/web and 「网页」 in the chats: a one-time link in a private message, and the console it
opens acting on tickets as the chat does."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import aiohttp
from PIL import Image

from tests.e2e.harness import GROUP, RIDER, ROADS_CHAT, ROADS_STAFF, Harness
from tests.e2e.web.conftest import link_in
from tests.e2e.workflow.helpers import say, start_privately


def private_links(liaison: Harness, user_id: int) -> list[str]:
    return [link for text in liaison.bot_texts(user_id) if (link := link_in(text))]


async def sign_in(session: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    async with session.get(link) as page:
        assert page.status == 200
        nonce = re.search(r'name="nonce" value="([^"]+)"', await page.text())
    assert nonce is not None
    return await session.post(link, data={"nonce": nonce.group(1)})


async def test_a_link_in_a_private_chat_signs_in_and_the_page_resolves_with_a_photo(
        liaison: Harness):
    report = await liaison.report()
    announcement = liaison.find(ROADS_CHAT, "#0001")
    web_buttons = [b for row in announcement.inline_keyboard for b in row if b.get("url")
                   and "/web/tickets/1" in b["url"]]
    assert web_buttons, "the department's announcement leads to the ticket's page"

    await start_privately(liaison, ROADS_STAFF)
    await say(liaison, ROADS_STAFF, ROADS_STAFF, "/web 1")
    [link] = private_links(liaison, ROADS_STAFF)
    assert "10 分钟" in liaison.bot_texts(ROADS_STAFF)[-1]
    # Like a browser, keep cookies from a numeric address (aiohttp's jar does not by default).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        arrived = await sign_in(browser, link)
        assert arrived.status == 200 and arrived.url.path == "/web/tickets/1"
        page = await arrived.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        liaison.clock.advance(timedelta(hours=5))
        buffer = io.BytesIO()
        Image.new("RGB", (80, 60), (60, 140, 80)).save(buffer, format="JPEG")
        form = aiohttp.FormData()
        for name, value in (("csrf", csrf), ("op", "resolve"), ("text", "已铣刨重铺")):
            form.add_field(name, value)
        form.add_field("photo", buffer.getvalue(), filename="after.jpg",
                       content_type="image/jpeg")
        async with browser.post(f"{liaison.settings.web.link_base}/web/tickets/1/act",
                                data=form) as done:
            assert done.status == 200
            assert "已解决" in await done.text()
    await liaison.settle()
    thread = liaison.replies_to(GROUP, report.message_id)
    resolved = [line for line in thread if "已解决" in line and "用时 5 小时 0 分" in line]
    assert resolved, thread
    photo_lines = [m for m in liaison.server.bot_messages(GROUP)
                   if m.payload.get("photo") and "已解决" in (m.caption or "")]
    assert photo_lines, "the after photo went to the group with the resolution"

    # The link was for one use.
    async with aiohttp.ClientSession() as other, other.get(link) as again:
        assert again.status == 403


async def test_the_word_works_like_the_command_and_links_are_rationed(liaison: Harness):
    await start_privately(liaison, ROADS_STAFF)
    await say(liaison, ROADS_STAFF, ROADS_STAFF, "网页")
    assert len(private_links(liaison, ROADS_STAFF)) == 1
    for _ in range(4):
        await say(liaison, ROADS_STAFF, ROADS_STAFF, "/web")
    assert len(private_links(liaison, ROADS_STAFF)) == 5
    await say(liaison, ROADS_STAFF, ROADS_STAFF, "/web")
    assert len(private_links(liaison, ROADS_STAFF)) == 5
    assert "太频繁" in liaison.bot_texts(ROADS_STAFF)[-1]
    await liaison.later(timedelta(hours=1, minutes=1))
    await say(liaison, ROADS_STAFF, ROADS_STAFF, "/web")
    assert len(private_links(liaison, ROADS_STAFF)) == 6


async def test_in_a_group_the_link_goes_privately_and_never_into_the_group(liaison: Harness):
    asked = await say(liaison, GROUP, ROADS_STAFF, "/web")
    [answer] = liaison.replies_to(GROUP, asked.message_id)
    assert "私聊" in answer and link_in(answer) is None
    await start_privately(liaison, ROADS_STAFF)
    asked = await say(liaison, GROUP, ROADS_STAFF, "/web")
    [answer] = liaison.replies_to(GROUP, asked.message_id)
    assert "已私信" in answer
    assert not any(link_in(text) for text in liaison.bot_texts(GROUP))
    assert len(private_links(liaison, ROADS_STAFF)) == 1


async def test_riders_get_no_link(liaison: Harness):
    await start_privately(liaison, RIDER)
    await say(liaison, RIDER, RIDER, "/web")
    assert private_links(liaison, RIDER) == []
    answer = liaison.bot_texts(RIDER)[-1]
    assert "工作人员" in answer and "/public/" in answer
