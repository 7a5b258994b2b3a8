"""Webhook mode: secret header, in-order delivery with retries, chats side by side over kept
connections, info, conflicts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError
from aiogram.types import Update
from aiohttp import web

from bot.localapi import LocalBotApi


@dataclass
class Receiver:
    url: str = ""
    fail_first: int = 0
    reply: dict | None = None
    secrets: list[str | None] = field(default_factory=list)
    attempts: list[int] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)
    # Updates of this chat are answered 500 until it is cleared.
    refuse_chat: int | None = None
    # Updates of this chat wait here before they are answered.
    hold_chat: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    accepted_texts: list[str] = field(default_factory=list)
    # The client ports the requests came from: one per connection.
    connections: set[int] = field(default_factory=set)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def handle(request: web.Request) -> web.Response:
        update = await request.json()
        state.bodies.append(update)
        state.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        state.attempts.append(update["update_id"])
        state.connections.add(request.transport.get_extra_info("peername")[1])
        chat = update.get("message", {}).get("chat", {}).get("id")
        if state.fail_first > 0 or (chat is not None and chat == state.refuse_chat):
            state.fail_first = max(0, state.fail_first - 1)
            return web.Response(status=500)
        if chat is not None and chat == state.hold_chat:
            await state.release.wait()
        state.accepted.append(update["update_id"])
        if "message" in update:
            state.accepted_texts.append(update["message"].get("text", ""))
        if state.reply is not None:
            return web.json_response(state.reply)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()


async def test_failed_deliveries_are_retried_in_order(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-token")
    for text in ("/one", "/two", "/three"):
        await server.post_text(scene.group, scene.alice, text)
    await server.wait_for_no_pending_updates(within=5)
    first = receiver.accepted[0]
    assert receiver.accepted == [first, first + 1, first + 2]
    assert receiver.attempts[:3] == [first, first, first]
    assert set(receiver.secrets) == {"s3cr3t-token"}
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook"):
        await bot.get_updates()


async def test_a_refused_chat_holds_up_no_other_chat(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    receiver.refuse_chat = scene.group
    await bot.set_webhook(receiver.url)
    server.open_private_chat(scene.alice)
    await server.post_text(scene.group, scene.alice, "/one")
    await server.post_text(scene.group, scene.alice, "/two")
    await server.post_text(scene.alice, scene.alice, "/private")
    await server.wait_until(lambda: True if receiver.accepted_texts else None)
    await server.wait_until(lambda: True if len(receiver.attempts) >= 4 else None)
    # The group's first update is retried; its second waits behind it, unsent.
    group_ids = {body["update_id"] for body in receiver.bodies
                 if body["message"]["chat"]["id"] == scene.group}
    assert receiver.accepted_texts == ["/private"] and len(group_ids) == 1
    receiver.refuse_chat = None
    await server.wait_for_no_pending_updates(within=5)
    assert receiver.accepted_texts == ["/private", "/one", "/two"]


async def test_chats_are_delivered_side_by_side_over_kept_connections(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    receiver.hold_chat = scene.group
    await bot.set_webhook(receiver.url)
    server.open_private_chat(scene.alice)
    await server.post_text(scene.group, scene.alice, "/held")
    await server.wait_until(lambda: True if receiver.attempts else None)
    for text in ("/a", "/b", "/c"):
        await server.post_text(scene.alice, scene.alice, text)
    # The private chat's updates pass while the group's request is still open.
    await server.wait_until(lambda: True if len(receiver.accepted_texts) == 3 else None)
    assert receiver.accepted_texts == ["/a", "/b", "/c"]
    receiver.release.set()
    await server.wait_for_no_pending_updates(within=5)
    assert receiver.accepted_texts[-1] == "/held"
    # Two requests were in flight at once: two connections, each kept for what followed.
    assert len(receiver.connections) == 2
    for text in ("/d", "/e"):
        await server.post_text(scene.alice, scene.alice, text)
    await server.wait_for_no_pending_updates(within=5)
    assert len(receiver.connections) == 2


async def test_webhook_answer_can_carry_a_method_call(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": scene.group, "text": "On it"}
    await bot.set_webhook(receiver.url)
    await server.post_command(scene.group, scene.alice, "/help")
    message = await server.wait_for_bot_message(scene.group, within=5)
    assert message.text == "On it"
    assert server.requests_by_method["sendMessage"] == 1


async def test_delete_webhook_returns_to_polling(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    receiver.fail_first = 10_000
    await bot.set_webhook(receiver.url)
    await server.post_command(scene.group, scene.alice, "/stuck")
    await server.wait_until(lambda: True if receiver.attempts else None)
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook()
    assert [u.message.text for u in await bot.get_updates()] == ["/stuck"]
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    assert server.pending_update_count == 0
    await bot.delete_webhook(drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0


async def test_webhook_update_body_is_telegram_json(
    server: LocalBotApi, bot: Bot, scene, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, allowed_updates=["message"])
    await server.post_text(scene.group, scene.alice, "/ping")
    await server.wait_for_no_pending_updates()
    [body] = receiver.bodies
    update = Update.model_validate(body, context={"bot": bot})
    assert update.message is not None and update.message.text == "/ping"
    assert (await bot.get_webhook_info()).allowed_updates == ["message"]


async def test_workers_setting_the_webhook_at_once_leave_one_delivery(
    server: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    # Several workers start together and each sets the same webhook. A second delivery task
    # left running would deliver out of turn, and outlive the server's stop.
    await asyncio.gather(*(bot.set_webhook(receiver.url) for _ in range(3)))
    deliveries = [t for t in asyncio.all_tasks() if t.get_name() == "webhook-delivery"
                  and not t.done()]
    assert len(deliveries) == 1
    await server.stop()
    await asyncio.sleep(0)
    assert all(t.done() for t in deliveries)
