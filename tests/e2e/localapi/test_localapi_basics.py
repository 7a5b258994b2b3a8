"""getMe, auth, unknown methods, chats, members, commands, chat actions."""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberMember,
)

from bot.localapi import LocalBotApi


async def test_get_me_describes_the_bot(server: LocalBotApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 4242
    assert me.is_bot
    assert me.username == "liaison_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    server.set_privacy(can_read_all_group_messages=True)
    assert (await bot.get_me()).can_read_all_group_messages is True
    assert server.requests_by_method["getMe"] == 2


async def test_wrong_token_is_unauthorized(bot_factory: Callable[..., Bot]) -> None:
    intruder = bot_factory(token="9999:WRONG")
    with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
        await intruder.get_me()


async def test_unknown_method_is_not_found_in_telegram_shape(server: LocalBotApi, scene) -> None:
    base = f"{server.base_url}/bot{scene.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/sendTelepathy", data={"x": "1"}) as response:
            assert response.status == 404
            body = await response.json()
            assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.get(f"{base}/getme") as response:
            body = await response.json()
            assert body["ok"] is True and body["result"]["username"] == "liaison_bot"


async def test_get_chat_and_members(server: LocalBotApi, bot: Bot, scene) -> None:
    chat = await bot.get_chat(scene.group)
    assert chat.type == "supergroup" and chat.title == "Riverside liaison"
    assert isinstance(await bot.get_chat_member(scene.group, server.bot.id), ChatMemberMember)
    server.set_bot_status(scene.group, "administrator")
    member = await bot.get_chat_member(scene.group, server.bot.id)
    assert isinstance(member, ChatMemberAdministrator)
    assert isinstance(await bot.get_chat_member(scene.group, scene.alice), ChatMemberLeft)
    await server.post_text(scene.group, scene.alice, "hello")
    assert isinstance(await bot.get_chat_member(scene.group, scene.alice), ChatMemberMember)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(-42)


async def test_commands_are_kept_per_scope_and_language(server: LocalBotApi, bot: Bot) -> None:
    english = [BotCommand(command="ack", description="Acknowledge a ticket")]
    chinese = [BotCommand(command="ack", description="确认工单")]
    assert await bot.set_my_commands(english)
    assert await bot.set_my_commands(chinese, language_code="zh")
    group_scope = BotCommandScopeAllGroupChats()
    assert await bot.set_my_commands(chinese, scope=group_scope)
    assert [c.description for c in await bot.get_my_commands()] == ["Acknowledge a ticket"]
    assert [c.description for c in await bot.get_my_commands(language_code="zh")] == ["确认工单"]
    assert len(await bot.get_my_commands(scope=group_scope)) == 1
    assert server.commands(language_code="zh") == [{"command": "ack", "description": "确认工单"}]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_chat_action_and_private_chat_rules(server: LocalBotApi, bot: Bot, scene) -> None:
    assert await bot.send_chat_action(scene.group, "typing")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(scene.alice, "hi")
    server.open_private_chat(scene.alice)
    assert (await bot.send_message(scene.alice, "hi")).chat.type == "private"
    server.block_bot(scene.alice)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(scene.alice, "still there?")
    server.set_bot_status(scene.group, "left")
    with pytest.raises(TelegramForbiddenError, match="bot is not a member of the supergroup"):
        await bot.send_message(scene.group, "hello?")
