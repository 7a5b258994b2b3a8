"""A database the previous version left (Telegram integers), upgraded, and the bot carries on:
the queued messages go out, staff act on the old ticket, the waiting report is completed."""

from __future__ import annotations

from typing import Any

import aiohttp

from storage.migrate import current_revision, head_revision, upgrade
from tests.e2e.harness import (
    DONGHU,
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    ROADS_STAFF,
    TOKEN,
    Harness,
    tg,
)
from tests.e2e.harness import test_settings as settings_for
from tests.old_rows import OldChat, build_at_0003


async def bot_call(harness: Harness, method: str, **params: Any) -> Any:
    """What the previous version did through the Bot API before it stopped."""
    async with aiohttp.ClientSession() as session, session.post(
            f"{harness.server.base_url}/bot{TOKEN}/{method}", json=params) as response:
        body = await response.json()
    assert body["ok"], body
    return body["result"]


async def test_the_bot_carries_on_after_the_upgrade(empty_database_url, tmp_path, clock):
    harness = Harness(empty_database_url, tmp_path, clock)
    await harness.server.start()
    harness._populate()
    try:
        # The chats as the previous version left them: a report, its card and announcement,
        # and the first half of another report; every update already taken.
        report = await harness.server.post_text(GROUP, RIDER, "路面鼓包")
        announcement = await bot_call(harness, "sendMessage", chat_id=ROADS_CHAT,
                                      text="#0001 路面鼓包（公告）")
        card = await bot_call(harness, "sendMessage", chat_id=GROUP,
                              text="#0001 路面鼓包\n待受理",
                              reply_parameters={"message_id": report.message_id},
                              reply_markup={"inline_keyboard": [[
                                  {"text": "受理", "callback_data": "t:1:ack:as"}]]})
        waiting = await harness.server.post_text(GROUP, RIDER_2, "井盖松动")
        updates = await bot_call(harness, "getUpdates", timeout=0)
        await bot_call(harness, "getUpdates", timeout=0,
                       offset=max(u["update_id"] for u in updates) + 1)
        build_at_0003(empty_database_url, OldChat(
            group=GROUP, roads_chat=ROADS_CHAT, rider=RIDER, rider_2=RIDER_2, staff=ROADS_STAFF,
            report_message=report.message_id, card_message=card["message_id"],
            announcement_message=announcement["message_id"],
            waiting_text_message=waiting.message_id), clock.now())

        upgrade(empty_database_url)
        assert current_revision(empty_database_url) == head_revision()
        harness.settings = settings_for(empty_database_url, tmp_path / "media",
                                         harness.server.base_url)
        await harness.start_bot()
        await harness.settle()

        # The line queued before the upgrade went out, in the report's thread.
        assert "#0001 迁移前排队的消息" in harness.replies_to(GROUP, report.message_id)
        # The queued edit found the announcement by its remembered name.
        edited = harness.server.world.find_message(ROADS_CHAT, announcement["message_id"])
        assert edited is not None and edited.text == "#0001 路面鼓包（迁移前排队的修改）"

        # Staff acknowledge the old ticket; its card (sent by the old version) is updated.
        await harness.server.post_command(ROADS_CHAT, ROADS_STAFF, "/ack 1")
        await harness.settle()
        ticket = await harness.ticket(1)
        assert ticket.status == "acknowledged"
        assert ticket.events[-1].actor.user_id == tg(ROADS_STAFF)
        assert ticket.reporter.user_id == tg(RIDER) and ticket.chat_id == tg(GROUP)
        old_card = harness.server.world.find_message(GROUP, card["message_id"])
        assert old_card is not None and "已受理" in (old_card.text or ""), old_card
        assert any(line.startswith("#0001 已受理 · 张师傅")
                   for line in harness.replies_to(GROUP, report.message_id))

        # The report that waited for its location is completed by it: the same spot as the
        # old ticket, so its reporter joins that ticket and hears so in the report's thread.
        await harness.server.post_location(GROUP, RIDER_2, *DONGHU)
        await harness.settle()
        assert any("#0001" in line and "报告人" in line
                   for line in harness.replies_to(GROUP, waiting.message_id))
        joined = (await harness.ticket(1)).events[-1]
        assert joined.kind == "reporter_added" and joined.actor.user_id == tg(RIDER_2)
        assert joined.data["chat_id"] == tg(GROUP)
        assert joined.data["message_id"] == str(waiting.message_id)
        async with harness.app.uows() as uow:
            followers = await uow.tickets.followers(await uow.tickets.get(1))
            pending = await uow.pending.recent_for(tg(GROUP), tg(RIDER_2))
        assert {f.user_id for f in followers} == {tg(RIDER), tg(RIDER_2)}
        assert [row.status for row in pending] == ["filed"]
    finally:
        await harness.stop()
