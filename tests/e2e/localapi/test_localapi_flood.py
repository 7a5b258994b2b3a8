"""Flood limits: per chat, per group, overall; 429 with retry_after; violations counted."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter

from bot.localapi import FloodLimits, LocalBotApi


async def test_per_chat_limit_answers_429_and_counts(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_limits(FloodLimits(per_chat_per_second=1, per_group_per_minute=1000))
    await bot.send_message(scene.group, "first")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(scene.group, "too soon")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in caught.value.message
    assert server.flood_violations == 1
    assert server.flood_violations_by_chat == {scene.group: 1}
    assert [m.text for m in server.bot_messages(scene.group)] == ["first"]
    server.open_private_chat(scene.alice)
    await bot.send_message(scene.alice, "another chat is fine")
    await asyncio.sleep(1.05)
    await bot.send_message(scene.group, "paced")
    assert server.flood_violations == 1


async def test_group_limit_is_per_minute(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_limits(FloodLimits(per_chat_per_second=1000, per_group_per_minute=20))
    for number in range(20):
        await bot.send_message(scene.group, f"message {number}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(scene.group, "twenty-first")
    assert 55 <= caught.value.retry_after <= 60
    card = server.bot_messages(scene.group)[0]
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text(
            "edits count too", chat_id=scene.group, message_id=card.message_id
        )
    assert server.flood_violations == 2


async def test_overall_limit(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_limits(FloodLimits(per_chat_per_second=1000, per_group_per_minute=1000,
                                  global_per_second=5))  # fmt: skip
    for index in range(5):
        server.register_user(2000 + index, f"User {index}")
        server.open_private_chat(2000 + index)
        await bot.send_message(2000 + index, "digest")
    server.register_user(3000, "One more")
    server.open_private_chat(3000)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(3000, "digest")
    assert server.flood_violations_by_chat == {3000: 1}


async def test_default_limits_are_telegrams() -> None:
    limits = FloodLimits()
    assert (limits.per_chat_per_second, limits.per_group_per_minute, limits.global_per_second) == (
        1,
        20,
        30,
    )
