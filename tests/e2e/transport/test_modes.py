"""Polling and webhook modes, photos, privacy mode, command menus."""

from __future__ import annotations

import asyncio
import hashlib
import socket

import aiohttp
import pytest

from tests.e2e.harness import (
    ADMIN_CHAT,
    GROUP,
    RIDER,
    ROADS_STAFF,
    Harness,
    jpeg,
    tg,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def webhook_bot(database_url, tmp_path, clock):
    port = free_port()
    harness = Harness(database_url, tmp_path, clock, telegram={
        "mode": "webhook", "webhook_url": f"http://127.0.0.1:{port}/telegram/hook",
        "webhook_secret": "s3cret-for-tests", "webhook_listen": f"127.0.0.1:{port}"})
    from pydantic import SecretStr

    harness.sections["telegram"]["webhook_secret"] = SecretStr("s3cret-for-tests")
    await harness.start()
    harness.port = port
    yield harness
    await harness.stop()


async def test_webhook_mode_message_button_and_photo(webhook_bot):
    liaison = webhook_bot
    info = liaison.server.webhook_info()
    assert info["url"].endswith("/telegram/hook")
    photo = jpeg((10, 200, 90), size=(320, 200))
    report = await liaison.report(photo=photo)
    card = liaison.card(1)
    assert card.reply_to_message_id == report.message_id
    query = await liaison.server.press_button(GROUP, card.message_id, ROADS_STAFF,
                                              text="✅ 受理")
    await liaison.settle()
    assert liaison.server.callback_answer(query) is not None
    assert "已受理" in liaison.card(1).text
    await _photo_stored_intact(liaison, photo)


async def test_webhook_refuses_a_wrong_or_missing_secret(webhook_bot, caplog):
    url = f"http://127.0.0.1:{webhook_bot.port}/telegram/hook"
    body = {"update_id": 999, "message": {"message_id": 1, "date": 0,
                                          "chat": {"id": GROUP, "type": "supergroup"},
                                          "from": {"id": RIDER, "is_bot": False,
                                                   "first_name": "x"}, "text": "/help"}}
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=body, headers=headers) as response:
                assert response.status == 401
    assert "wrong or missing secret" in caplog.text
    from sqlalchemy import select

    from storage.models import InboxRow

    async with webhook_bot.app.uows(read_only=True) as uow:
        stored = (await uow.session.execute(select(InboxRow.update_id))).scalars().all()
    assert 999 not in stored


async def test_updates_arriving_together_are_stored_together(webhook_bot):
    """Telegram sends different chats' updates at once: those that arrive while a store is
    under way share the next transaction, and each is answered only after its commit."""
    from sqlalchemy import event, select

    from storage.models import InboxRow

    url = f"http://127.0.0.1:{webhook_bot.port}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-for-tests"}
    bodies = [{"update_id": 5000 + n, "message": {
        "message_id": 9000 + n, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
        "from": {"id": RIDER, "is_bot": False, "first_name": "x"}, "text": "下雨了"}}
        for n in range(20)]
    inserts: list[int] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO INBOX"):
            inserts.append(1)

    engine = webhook_bot.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with aiohttp.ClientSession() as http:

            async def post(body: dict) -> int:
                async with http.post(url, json=body, headers=headers) as response:
                    return response.status

            statuses = await asyncio.gather(*(post(body) for body in bodies))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statuses == [200] * len(bodies)
    async with webhook_bot.app.uows(read_only=True) as uow:
        stored = set((await uow.session.execute(select(InboxRow.update_id))).scalars())
    assert {body["update_id"] for body in bodies} <= stored
    assert 1 <= len(inserts) < len(bodies) / 2, inserts


async def test_polling_photo_download_equals_upload(liaison):
    photo = jpeg((250, 10, 10), size=(800, 600))
    await liaison.report(photo=photo)
    await _photo_stored_intact(liaison, photo)


async def _photo_stored_intact(liaison, photo: bytes) -> None:
    app = liaison.app
    for _ in range(200):
        await app.media_worker.step()
        async with app.uows(read_only=True) as uow:
            ticket = await uow.tickets.get(1)
            photos = await uow.tickets.photos(ticket)
        if photos and photos[0].sha256:
            break
    digest = hashlib.sha256(photo).hexdigest()
    assert photos[0].sha256 == digest
    assert app.media.get(digest) == photo


async def test_privacy_mode_warns_the_admins(database_url, tmp_path, clock, caplog):
    harness = Harness(database_url, tmp_path, clock)

    def blind(server) -> None:
        server.set_privacy(can_read_all_group_messages=False)
        server.set_bot_status(GROUP, "member")

    await harness.start(before_bot=blind)
    try:
        await harness.settle()
        warning = harness.find(ADMIN_CHAT, "隐私模式")
        assert "管理员" in warning.text
        assert "cannot see plain messages" in caplog.text
        assert harness.app.stats.blind_groups == [tg(GROUP)]
    finally:
        await harness.stop()


async def test_no_warning_when_the_bot_is_admin(liaison):
    assert liaison.app.stats.blind_groups == []
    await liaison.settle()
    assert not [t for t in liaison.bot_texts(ADMIN_CHAT) if "隐私模式" in t]
