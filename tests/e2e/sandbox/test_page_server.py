"""The page's server without a browser: the page, its setup, its texts, the shared client API."""

from __future__ import annotations

import aiohttp

from handlers.digest.chart import font_path
from handlers.texts import placeholders


async def get_json(url: str) -> dict:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200, url
        return await response.json()


async def test_the_page_and_its_setup_are_served(sandbox):
    async with aiohttp.ClientSession() as session, session.get(sandbox.page_url) as response:
        assert response.status == 200
        assert "app.js" in await response.text()
    setup = await get_json(f"{sandbox.page_url}/sandbox/setup.json")
    riders = [p for p in setup["people"] if p["rider"]]
    assert len(riders) == 2
    zhang = next(p for p in setup["people"] if p["name"] == "张师傅")
    assert zhang["posts"][0]["department_id"] == "roads"
    kinds = {chat["kind"] for chat in setup["chats"]}
    assert kinds == {"liaison", "department", "admins"}
    assert {a["name"] for a in setup["areas"]} >= {"东湖社区 Donghu", "西坝社区 Xiba"}
    assert setup["places"], "places are offered as locations"


async def test_the_page_brings_its_own_chinese_font(sandbox):
    """Without a CJK font on the machine the page would show boxes: it serves one."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sandbox.page_url}/static/style.css") as response:
            assert "/sandbox/fonts/cjk.otf" in await response.text()
        async with session.get(f"{sandbox.page_url}/sandbox/fonts/cjk.otf") as response:
            assert response.status == 200
            assert await response.read() == font_path().read_bytes()


async def test_chats_are_populated_with_the_bot_as_admin(sandbox):
    chats = await get_json(f"{sandbox.page_url}/_client/chats")
    titles = {chat.get("title") for chat in chats["chats"]}
    assert {"东湖社区联络群", "道路养护所", "街道管理员群"} <= titles
    assert sandbox.server.world.chats[-1001000000001].members[sandbox.server.bot.id] \
        == "administrator"


async def test_both_languages_have_the_same_page_texts(sandbox):
    zh = await get_json(f"{sandbox.page_url}/sandbox/texts/zh.json")
    en = await get_json(f"{sandbox.page_url}/sandbox/texts/en.json")
    assert zh.keys() == en.keys()
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key


async def test_a_post_through_the_page_reaches_the_bot(sandbox):
    rider = sandbox.cast.riders[0].id
    url = f"{sandbox.page_url}/_client/chats/-1001000000001/messages"
    async with aiohttp.ClientSession() as session, \
            session.post(url, json={"user_id": rider, "text": "/help"}) as response:
        assert response.status == 200
    await sandbox.settle()
    replies = [m.text or "" for m in sandbox.server.bot_messages(-1001000000001)]
    assert any("报告问题" in text for text in replies)


async def test_several_photos_from_the_page_arrive_as_one_album(sandbox):
    from bot.sandbox.pictures import road_bulge, road_level

    rider = sandbox.cast.riders[0].id
    form = aiohttp.FormData()
    form.add_field("user_id", str(rider))
    form.add_field("caption", "路面鼓包")
    for name, data in (("a.jpg", road_bulge()), ("b.jpg", road_level())):
        form.add_field("photos", data, filename=name, content_type="image/jpeg")
    url = f"{sandbox.page_url}/_client/chats/-1001000000001/messages"
    async with aiohttp.ClientSession() as session, session.post(url, data=form) as response:
        assert response.status == 200
        posted = (await response.json())["messages"]
    assert len(posted) == 2
    assert posted[0]["media_group_id"] == posted[1]["media_group_id"]
