"""Every staff command, with and without a number, and the replies to mistakes."""

from __future__ import annotations

from domain.status import Status
from tests.e2e.harness import (
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    ROADS_STAFF,
    SANITATION_CHAT,
    SANITATION_STAFF,
    tg,
)
from tests.e2e.workflow.helpers import (
    bot_message,
    file_reports,
    last_reply,
    near_donghu,
    say,
    start_privately,
    thread,
)


async def test_acknowledge_by_number_and_by_replying_to_the_card(liaison):
    first, _ = await file_reports(liaison, 2)
    command = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 1")
    assert last_reply(liaison, ROADS_CHAT, command).startswith("#0001 已受理 · 张师傅")
    assert any(line.startswith("#0001 已受理 · 张师傅 · 12:00") for line in thread(liaison, first))

    card = liaison.card(2)
    await say(liaison, GROUP, ROADS_STAFF, "/ack", reply_to=card.message_id)
    assert (await liaison.ticket(2)).status is Status.ACKNOWLEDGED
    assert "已受理" in liaison.card(2).text


async def test_mistakes_get_a_short_reply_with_the_right_form(liaison):
    await file_reports(liaison, 1)
    missing = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack")
    assert last_reply(liaison, ROADS_CHAT, missing) == (
        "请写上工单号，或回复工单卡片发送命令。\n用法：/ack 42")
    unknown = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 99")
    assert "没有找到工单 #0099" in last_reply(liaison, ROADS_CHAT, unknown)
    no_reason = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/reject 1")
    assert last_reply(liaison, ROADS_CHAT, no_reason).endswith("用法：/reject 42 原因")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    wrong = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 1")
    assert last_reply(liaison, ROADS_CHAT, wrong) == "#0001 现在是「已解决」，不能受理。"
    nowhere = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/transfer 1 消防队")
    assert "没有叫「消防队」的部门" in last_reply(liaison, ROADS_CHAT, nowhere)
    assert "/transfer 42 部门" in last_reply(liaison, ROADS_CHAT, nowhere)


async def test_take_progress_and_note(liaison):
    report, = await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/take 1")
    ticket = await liaison.ticket(1)
    assert ticket.assignee.user_id == tg(ROADS_STAFF)
    assert "处理人：张师傅" in liaison.card(1).text
    assert any("#0001 已认领 · 张师傅" in line for line in thread(liaison, report))

    await say(liaison, GROUP, ROADS_STAFF, "/progress 3 台机器到场",
              reply_to=liaison.card(1).message_id)
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.IN_PROGRESS and ticket.events[-1].note == "3 台机器到场"
    assert thread(liaison, report)[-1].endswith("\n3 台机器到场")

    note = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/note 1 沥青明早到")
    assert last_reply(liaison, ROADS_CHAT, note) == "📝 已记录到 #0001。"
    assert (await liaison.ticket(1)).events[-1].kind == "note"


async def test_a_reporters_note_reaches_the_department(liaison):
    await file_reports(liaison, 1)
    await say(liaison, GROUP, RIDER, "/note 1 电话 13812345678 联系我")
    told = bot_message(liaison, ROADS_CHAT, "报告人")
    assert "13812345678" in told.text, "staff see the number the reporter gave them"


async def test_reject_and_reopen(liaison):
    report, = await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/reject 1 不属于道路问题")
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.REJECTED
    assert thread(liaison, report)[-1].endswith("不属于道路问题")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/reopen 1 看错了，是路面问题")
    assert (await liaison.ticket(1)).status is Status.REOPENED


async def test_duplicate_moves_the_reporters_to_the_original(liaison):
    await liaison.report(user_id=RIDER, where=near_donghu(0))
    await liaison.report(user_id=RIDER_2, where=near_donghu(3))
    await start_privately(liaison, RIDER_2)
    command = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/dup 2 1")
    assert "#0002 与 #0001 重复" in last_reply(liaison, ROADS_CHAT, command)
    duplicate, original = await liaison.ticket(2), await liaison.ticket(1)
    assert duplicate.status is Status.DUPLICATE and duplicate.duplicate_of == 1
    assert original.reporter_count == 2
    assert "等 2 人" in liaison.card(1).text
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 1")
    assert bot_message(liaison, RIDER_2, "#0001 已受理"), "the duplicate's reporter follows"
    missing = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/dup 1")
    assert "请写上原工单号" in last_reply(liaison, ROADS_CHAT, missing)


async def test_transfer_announces_to_the_new_department(liaison):
    report, = await file_reports(liaison, 1)
    command = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/transfer 1 环卫所 是渣土不是路面")
    ticket = await liaison.ticket(1)
    assert ticket.department_id == "sanitation" and ticket.status is Status.ASSIGNED
    assert "已转办至环卫所" in last_reply(liaison, ROADS_CHAT, command)
    assert "已转办至环卫所" in thread(liaison, report)[-1]
    announcement = liaison.find(SANITATION_CHAT, "#0001")
    assert "赵阿姨" in announcement.caption and announcement.photo_file_id
    old = liaison.find(ROADS_CHAT, "#0001")
    assert "负责：环卫所" in old.caption, "the old department sees where it went"
    await say(liaison, SANITATION_CHAT, SANITATION_STAFF, "/ack", reply_to=announcement.message_id)
    assert (await liaison.ticket(1)).status is Status.ACKNOWLEDGED
    again = await say(liaison, SANITATION_CHAT, SANITATION_STAFF, "/transfer 1 sanitation")
    assert "已经由环卫所负责" in last_reply(liaison, SANITATION_CHAT, again)


async def test_ticket_shows_the_card_and_the_timeline(liaison):
    await liaison.report(caption="路面鼓包 联系 13812345678")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/take 1")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/note 1 已联系 13812345678")
    public = await say(liaison, GROUP, RIDER_2, "/ticket 1")
    shown = last_reply(liaison, GROUP, public)
    assert shown.startswith("✅ #0001 道路破损 · 已受理")
    assert "处理记录" in shown and "派单给道路养护所" in shown and "已认领 · 张师傅" in shown
    assert "13812345678" not in shown, "the group never sees phone numbers"
    staff = await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ticket #1")
    assert "13812345678" in last_reply(liaison, ROADS_CHAT, staff)
