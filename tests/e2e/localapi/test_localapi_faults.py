"""Injected faults, each seen through aiogram as the matching exception."""

from __future__ import annotations

import time

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.localapi import FaultPlan, LocalBotApi


async def test_server_error_has_no_effect(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_faults(FaultPlan(server_error_rate=1.0, methods={"sendMessage"}))
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.send_message(scene.group, "lost")
    assert server.bot_messages(scene.group) == []
    assert (await bot.get_me()).username == "liaison_bot"  # other methods unaffected
    server.set_faults(FaultPlan(server_error_rate=1.0, server_error_code=502))
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    server.clear_faults()
    await bot.send_message(scene.group, "delivered")
    assert [m.text for m in server.bot_messages(scene.group)] == ["delivered"]


async def test_injected_429_carries_retry_after(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_faults(FaultPlan(too_many_requests_rate=1.0, retry_after=7, limit=1))
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(scene.group, "x")
    assert caught.value.retry_after == 7
    assert server.flood_violations == 0  # injected, not earned
    await bot.send_message(scene.group, "limit of one fault reached")
    assert server.faults.injected["too_many_requests"] == 1


async def test_slow_answers(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_faults(FaultPlan(slow_rate=1.0, slow_seconds=0.3))
    started = time.monotonic()
    await bot.send_message(scene.group, "eventually")
    assert time.monotonic() - started >= 0.3
    server.set_faults(FaultPlan(slow_rate=1.0, slow_seconds=2.0))
    with pytest.raises(TelegramNetworkError, match="Request timeout error"):
        await bot.send_message(scene.group, "too slow", request_timeout=1)


async def test_dropped_connection_is_a_network_error(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_faults(FaultPlan(drop_rate=1.0, methods={"sendMessage"}))
    with pytest.raises(TelegramNetworkError, match="ServerDisconnectedError"):
        await bot.send_message(scene.group, "lost")
    assert server.bot_messages(scene.group) == []


@pytest.mark.parametrize("mode", ["502", "drop"])
async def test_fail_after_effect_records_the_message(
    server: LocalBotApi, bot: Bot, scene, mode: str
) -> None:
    server.set_faults(FaultPlan(fail_after_effect_rate=1.0, fail_after_effect_mode=mode))
    expected = TelegramServerError if mode == "502" else TelegramNetworkError
    with pytest.raises(expected):
        await bot.send_message(scene.group, "#0001 created")
    assert [m.text for m in server.bot_messages(scene.group)] == ["#0001 created"]


async def test_refused_downloads(server: LocalBotApi, bot: Bot, scene, jpeg) -> None:
    await server.post_photo(scene.alice, scene.alice, jpeg())
    [update] = await bot.get_updates()
    file_id = update.message.photo[-1].file_id
    server.set_faults(FaultPlan(refuse_download_rate=1.0, refuse_download_mode="too_big"))
    with pytest.raises(TelegramBadRequest, match="Bad Request: file is too big"):
        await bot.get_file(file_id)
    server.set_faults(FaultPlan(refuse_download_rate=1.0, refuse_download_mode="not_found"))
    file = await bot.get_file(file_id)
    with pytest.raises(aiohttp.ClientResponseError) as caught:
        await bot.download_file(file.file_path)
    assert caught.value.status == 404
    server.set_faults(FaultPlan(refuse_download_rate=1.0, refuse_download_mode="server_error"))
    with pytest.raises(aiohttp.ClientResponseError) as caught:
        await bot.download_file(file.file_path)
    assert caught.value.status == 500
    server.clear_faults()
    assert (await bot.download(file_id)).read() == jpeg()


async def test_seeded_faults_are_reproducible(server: LocalBotApi, bot: Bot, scene) -> None:
    async def outcomes() -> list[bool]:
        server.set_faults(FaultPlan(server_error_rate=0.5, seed=7, methods={"getMe"}))
        results = []
        for _ in range(12):
            try:
                await bot.get_me()
                results.append(True)
            except TelegramServerError:
                results.append(False)
        return results

    first, second = await outcomes(), await outcomes()
    assert first == second
    assert True in first and False in first
