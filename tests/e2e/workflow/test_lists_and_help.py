"""/open, /mine, /overdue with their page buttons, and /help for each kind of person."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import (
    ADMIN,
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_BACKUP,
    ROADS_CHAT,
    ROADS_STAFF,
    SANITATION_CHAT,
    SANITATION_STAFF,
)
from tests.e2e.workflow.helpers import (
    file_reports,
    labels,
    last_reply,
    press,
    say,
    start_privately,
)


def _reply_message(liaison, chat_id, asked):
    found = [m for m in liaison.server.bot_messages(chat_id)
             if m.reply_to_message_id == asked.message_id]
    assert found, liaison.bot_texts(chat_id)
    return found[-1]


async def test_open_lists_the_departments_tickets_oldest_first_in_pages(liaison):
    await file_reports(liaison, 11)
    await liaison.report(caption="垃圾堆满了", where=(39.93, 116.47))  # sanitation's
    asked = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/open")
    listing = _reply_message(liaison, ROADS_CHAT, asked)
    lines = listing.text.splitlines()
    assert lines[0] == "📋 未办结的工单（共 11 张，最早的在前）："
    assert lines[1].startswith("#0001 道路破损 · 已派单 · 12:00")
    assert len(lines) == 1 + 10 + 1 and lines[-1] == "第 1/2 页"
    assert "下一页 ▶" in labels(listing) and "#0010" in labels(listing)

    await press(liaison, ROADS_CHAT, listing, RIDER_2, "下一页 ▶")
    assert listing.text.splitlines()[1].startswith("#0011 "), "anyone may page a shared list"
    assert "◀ 上一页" in labels(listing)

    await press(liaison, ROADS_CHAT, listing, ROADS_STAFF, "#0011")
    shown = _reply_message(liaison, ROADS_CHAT, listing)
    assert shown.text.startswith("📌 #0011 道路破损") and "处理记录" in shown.text

    sanitation = await say(liaison, SANITATION_CHAT, SANITATION_STAFF, "/open")
    assert "共 1 张" in last_reply(liaison, SANITATION_CHAT, sanitation)
    group = await say(liaison, GROUP, RIDER_2, "/open")
    assert "共 12 张" in last_reply(liaison, GROUP, group), "the group sees all it reported"


async def test_mine_is_what_i_handle_or_what_i_reported(liaison):
    await file_reports(liaison, 2)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/take 2")
    staff = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/mine")
    listing = last_reply(liaison, ROADS_CHAT, staff)
    assert "共 1 张" in listing and "#0002" in listing and "#0001" not in listing
    rider = await say(liaison, GROUP, RIDER, "/mine")
    assert "共 2 张" in last_reply(liaison, GROUP, rider)
    other = await say(liaison, GROUP, RIDER_2, "/mine")
    assert last_reply(liaison, GROUP, other) == "🙋 你现在没有要跟进的工单。"


async def test_page_buttons_of_mine_belong_to_its_owner(liaison):
    await file_reports(liaison, 11)
    asked = await say(liaison, GROUP, RIDER, "/mine")
    listing = _reply_message(liaison, GROUP, asked)
    answer = await press(liaison, GROUP, listing, RIDER_2, "下一页 ▶")
    assert answer["show_alert"] and "别人的列表" in answer["text"]
    await press(liaison, GROUP, listing, RIDER, "下一页 ▶")
    assert "#0011" in listing.text


async def test_overdue_lists_tickets_past_their_deadlines(liaison):
    await file_reports(liaison, 2)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 2")
    asked = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/overdue")
    assert last_reply(liaison, ROADS_CHAT, asked) == "✅ 没有超期的工单。"
    await liaison.later(timedelta(minutes=31))
    asked = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/overdue")
    listing = last_reply(liaison, ROADS_CHAT, asked)
    assert "共 1 张" in listing and "#0001" in listing and "⚠️ 已超期" in listing
    await liaison.later(timedelta(hours=24))
    asked = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/overdue")
    assert "共 2 张" in last_reply(liaison, ROADS_CHAT, asked)


async def test_help_says_what_this_person_may_do_here(liaison):
    rider = last_reply(liaison, GROUP, await say(liaison, GROUP, RIDER, "/help"))
    assert "报告问题" in rider and "/ticket 42" in rider and "7 天内" in rider
    assert "/ack" not in rider

    staff = last_reply(liaison, ROADS_CHAT, await say(liaison, ROADS_CHAT, ROADS_STAFF, "/help"))
    assert "/ack 42 — 受理工单" in staff and "/transfer 42 部门" in staff
    assert "道路养护所（主岗）" in staff and "省略编号" in staff

    backup = last_reply(liaison, ROADS_CHAT,
                        await say(liaison, ROADS_CHAT, ROADS_BACKUP, "/help"))
    assert "道路养护所（备岗）" in backup

    elsewhere = last_reply(liaison, SANITATION_CHAT,
                           await say(liaison, SANITATION_CHAT, ROADS_STAFF, "/help"))
    assert "/ack" not in elsewhere, "not their department's chat"

    await start_privately(liaison, ADMIN)
    admin = last_reply(liaison, ADMIN, await say(liaison, ADMIN, ADMIN, "/help"))
    assert "/ack 42" in admin and "管理员" in admin
