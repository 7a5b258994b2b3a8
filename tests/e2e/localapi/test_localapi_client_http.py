"""The HTTP client and control API and the live event feed the sandbox page uses."""

from __future__ import annotations

import asyncio
import base64
import json

import aiohttp
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.localapi import LocalBotApi


async def _read_events(response: aiohttp.ClientResponse, count: int) -> list[dict]:
    events: list[dict] = []
    async for raw in response.content:
        line = raw.decode().strip()
        if line.startswith("data: "):
            events.append(json.loads(line.removeprefix("data: ")))
            if len(events) == count:
                return events
    return events


async def test_event_feed_streams_chat_changes(server: LocalBotApi, bot: Bot, scene) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Ack", callback_data="ack:5")]]
    )
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{server.base_url}/_client/events?chat_id={scene.group}") as response,
    ):
        assert response.headers["Content-Type"].startswith("text/event-stream")
        reader = asyncio.create_task(_read_events(response, 5))
        await asyncio.sleep(0.05)
        await server.post_text(scene.group, scene.alice, "/report bulge")
        card = await bot.send_message(scene.group, "#0005 open", reply_markup=keyboard)
        await bot.edit_message_text(
            "#0005 acknowledged",
            chat_id=scene.group,
            message_id=card.message_id,
            reply_markup=keyboard,
        )
        query_id = await server.press_button(scene.group, card.message_id, scene.bob, text="Ack")
        await bot.answer_callback_query(query_id, text="Thanks")
        events = await asyncio.wait_for(reader, 5)
    assert [e["type"] for e in events] == [
        "message",
        "message",
        "edited",
        "callback_query",
        "callback_answer",
    ]
    assert events[0]["message"]["from"]["name"] == "Alice Rider"
    assert events[1]["message"]["from"]["is_bot"] is True
    assert events[1]["message"]["inline_keyboard"][0][0]["callback_data"] == "ack:5"
    assert events[2]["message"]["text"] == "#0005 acknowledged"
    assert events[4]["text"] == "Thanks"
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


async def test_http_client_api_acts_as_people(server: LocalBotApi, bot: Bot, scene, jpeg) -> None:
    base = f"{server.base_url}/_client"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/users", json={"id": 77, "first_name": "Cai"}) as response:
            assert (await response.json())["first_name"] == "Cai"
        form = aiohttp.FormData()
        form.add_field("user_id", "77")
        form.add_field("caption", "/report fallen tree")
        form.add_field("photo", jpeg(), filename="tree.jpg", content_type="image/jpeg")
        async with http.post(f"{base}/chats/{scene.group}/messages", data=form) as response:
            [posted] = (await response.json())["messages"]
        assert posted["kind"] == "photo" and posted["caption"] == "/report fallen tree"
        async with http.get(f"{server.base_url}{posted['photo']['url']}") as response:
            assert await response.read() == jpeg()
        body = {
            "user_id": 77,
            "latitude": 39.9,
            "longitude": 116.4,
            "title": "Gate",
            "address": "1 Rd",
        }
        async with http.post(f"{base}/chats/{scene.group}/messages", json=body) as response:
            assert (await response.json())["messages"][0]["venue"]["title"] == "Gate"
        album = {"user_id": 77, "photos_base64": [base64.b64encode(jpeg()).decode()] * 2}
        async with http.post(f"{base}/chats/{scene.group}/messages", json=album) as response:
            assert len((await response.json())["messages"]) == 2
        sent = await bot.send_message(
            scene.group,
            "#0009",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="Done", callback_data="done:9")]]
            ),
        )
        press = {"user_id": 77, "text": "Done"}
        url = f"{base}/chats/{scene.group}/messages/{sent.message_id}/press"
        async with http.post(url, json=press) as response:
            query_id = (await response.json())["callback_query_id"]
        async with http.get(f"{base}/chats/{scene.group}/messages") as response:
            state = await response.json()
        kinds = [(m["from"]["id"], m["kind"]) for m in state["messages"]]
        assert kinds[0] == (77, "photo") and kinds[-1] == (server.bot.id, "text")
        async with http.post(url, json={"user_id": 12345, "text": "Done"}) as response:
            assert response.status == 400
            assert "register_user" in (await response.json())["error"]
    updates = await bot.get_updates()
    assert updates[-1].callback_query.id == query_id


async def test_control_api(server: LocalBotApi, bot: Bot, scene) -> None:
    base = f"{server.base_url}/_control"
    async with aiohttp.ClientSession() as http:
        plan = {"server_error_rate": 1.0, "methods": ["getMe"]}
        async with http.put(f"{base}/faults", json=plan) as response:
            assert (await response.json())["plan"]["methods"] == ["getMe"]
        async with http.put(f"{base}/faults", json={"nonsense": 1}) as response:
            assert response.status == 400
        async with http.delete(f"{base}/faults") as response:
            assert (await response.json())["plan"]["server_error_rate"] == 0
        async with http.put(f"{base}/limits", json={"per_chat_per_second": None}) as response:
            assert (await response.json())["per_chat_per_second"] is None
        async with http.put(f"{base}/privacy", json={"can_read_all_group_messages": True}):
            pass
        url = f"{base}/chats/{scene.group}/members/bot"
        async with http.put(url, json={"status": "administrator"}):
            pass
        await bot.send_message(scene.group, "hi")
        async with http.get(f"{base}/stats") as response:
            stats = await response.json()
    assert (await bot.get_me()).can_read_all_group_messages is True
    assert server.world.chats[scene.group].members[server.bot.id] == "administrator"
    assert stats["requests_by_method"]["sendMessage"] == 1
    assert stats["flood"]["violations_total"] == 0


async def test_event_feed_replays_after_since(server: LocalBotApi, scene) -> None:
    mark = server.mark()
    await server.post_text(scene.group, scene.alice, "before connecting")
    url = f"{server.base_url}/_client/events?since={mark}"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        [event] = await asyncio.wait_for(_read_events(response, 1), 5)
    assert event["type"] == "message" and event["message"]["text"] == "before connecting"
