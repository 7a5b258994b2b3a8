"""getUpdates: a real long poll, confirmation by offset, allowed_updates, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.localapi import LocalBotApi


async def test_long_poll_waits_for_a_posted_message(server: LocalBotApi, bot: Bot, scene) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.2)
        await server.post_text(scene.group, scene.alice, "/report pothole on Elm St")

    started = time.monotonic()
    poster = asyncio.create_task(post_later())
    updates = await bot.get_updates(timeout=5)
    await poster
    waited = time.monotonic() - started
    assert 0.15 < waited < 2.0
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/report pothole on Elm St"
    assert message.from_user is not None and message.from_user.username == "alice_rides"
    assert message.chat.id == scene.group
    assert message.entities is not None and message.entities[0].type == "bot_command"
    assert message.date.timestamp() == int(server.world.clock.now().timestamp())


async def test_long_poll_times_out_empty_in_real_time(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_updates_stay_until_confirmed_with_a_higher_offset(
    server: LocalBotApi, bot: Bot, scene
) -> None:
    for text in ("/one", "/two", "/three"):
        await server.post_text(scene.group, scene.alice, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["/one", "/two"]
    again = await bot.get_updates()
    assert [u.message.text for u in again] == ["/one", "/two", "/three"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["/three"]
    assert server.pending_update_count == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []
    assert server.pending_update_count == 0


async def test_allowed_updates_filters_new_updates(server: LocalBotApi, bot: Bot, scene) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await server.post_text(scene.group, scene.alice, "/ignored")
    assert await bot.get_updates() == []
    await bot.get_updates(allowed_updates=[])
    await server.post_text(scene.group, scene.alice, "/seen")
    assert [u.message.text for u in await bot.get_updates()] == ["/seen"]


async def test_a_second_poller_ends_the_first(bot: Bot, bot_factory) -> None:
    other = bot_factory()
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert await other.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first


async def test_dispatcher_polling_round_trip(server: LocalBotApi, bot: Bot, scene) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(Command("ack"))
    async def ack(message: Message, command: CommandObject) -> None:
        await message.reply(f"Ticket #{command.args} acknowledged")

    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot, polling_timeout=1, handle_signals=False, close_bot_session=False
        )
    )
    try:
        asked = await server.post_command(scene.group, scene.bob, "/ack@liaison_bot 12")
        reply = await server.wait_for_bot_message(scene.group, within=5)
        assert reply.text == "Ticket #12 acknowledged"
        assert reply.reply_to_message_id == asked.message_id
        await server.wait_for_no_pending_updates()
    finally:
        await dispatcher.stop_polling()
        await polling
