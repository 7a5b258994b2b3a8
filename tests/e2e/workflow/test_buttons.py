"""Every button on a card, the choices behind transfer, reject, reopen and duplicate, and
presses that are refused."""

from __future__ import annotations

from domain.status import Status
from tests.e2e.harness import (
    GROUP,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    ROADS_STAFF,
    SANITATION_CHAT,
    STRANGER,
    tg,
)
from tests.e2e.workflow.helpers import (
    bot_message,
    file_reports,
    labels,
    near_donghu,
    press,
    say,
    thread,
)


def _choice(liaison, chat_id, card):
    found = [m for m in liaison.server.bot_messages(chat_id)
             if m.reply_to_message_id == card.message_id and m.inline_keyboard]
    assert found, liaison.bot_texts(chat_id)
    return found[-1]


async def test_the_card_offers_what_the_status_allows(liaison):
    await file_reports(liaison, 1)
    card = liaison.card(1)
    assert labels(card) == ["✅ 受理", "🙋 认领", "🔧 处理中", "✔️ 已解决", "🔁 重复", "↪️ 转办",
                            "✖️ 驳回", "🗺 查看地图"]
    await press(liaison, GROUP, card, ROADS_STAFF, "🙋 认领")
    assert (await liaison.ticket(1)).assignee.user_id == tg(ROADS_STAFF)
    assert "✅ 受理" not in labels(card)
    await press(liaison, GROUP, card, ROADS_STAFF, "🔧 处理中")
    assert (await liaison.ticket(1)).status is Status.IN_PROGRESS
    answer = await press(liaison, GROUP, card, ROADS_STAFF, "✔️ 已解决")
    assert answer["text"].startswith("#0001 已解决 · 张师傅")
    assert labels(card) == ["↩️ 重新打开", "🗺 查看地图"]


async def test_acknowledge_from_the_department_announcement(liaison):
    report, = await file_reports(liaison, 1)
    announcement = liaison.find(ROADS_CHAT, "#0001")
    await press(liaison, ROADS_CHAT, announcement, ROADS_STAFF, "✅ 受理")
    assert "已受理" in announcement.caption and "已受理" in liaison.card(1).text
    assert thread(liaison, report)[-1].startswith("#0001 已受理 · 张师傅")


async def test_transfer_offers_the_departments(liaison):
    await file_reports(liaison, 1)
    card = liaison.card(1)
    await press(liaison, GROUP, card, ROADS_STAFF, "↪️ 转办")
    choice = _choice(liaison, GROUP, card)
    assert "转办给哪个部门" in choice.text
    assert labels(choice) == ["环卫所", "供排水抢修队", "东湖志愿维修队", "街道综合办", "取消"]
    await press(liaison, GROUP, choice, ROADS_STAFF, "环卫所")
    assert (await liaison.ticket(1)).department_id == "sanitation"
    assert "已转办至环卫所" in choice.text and labels(choice) == []
    assert liaison.find(SANITATION_CHAT, "#0001")


async def test_reject_offers_reasons_and_cancel(liaison):
    await file_reports(liaison, 2)
    card = liaison.card(1)
    await press(liaison, GROUP, card, ROADS_STAFF, "✖️ 驳回")
    choice = _choice(liaison, GROUP, card)
    assert "/reject 1 原因" in choice.text
    assert labels(choice) == [
        "不属于本部门职责", "现场未发现问题", "信息不足，无法确定位置", "取消"]
    await press(liaison, GROUP, choice, ROADS_STAFF, "取消")
    assert choice.text == "已取消。" and (await liaison.ticket(1)).status is Status.ASSIGNED

    card = liaison.card(2)
    await press(liaison, GROUP, card, ROADS_STAFF, "✖️ 驳回")
    choice = _choice(liaison, GROUP, card)
    await press(liaison, GROUP, choice, ROADS_STAFF, "现场未发现问题")
    ticket = await liaison.ticket(2)
    assert ticket.status is Status.REJECTED and ticket.events[-1].note == "现场未发现问题"


async def test_the_reporter_reopens_with_a_reason(liaison):
    await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    card = liaison.card(1)
    await press(liaison, GROUP, card, RIDER, "↩️ 重新打开")
    choice = _choice(liaison, GROUP, card)
    assert labels(choice) == ["问题仍然存在", "处理不彻底", "问题再次出现", "取消"]
    await press(liaison, GROUP, choice, RIDER, "处理不彻底")
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.REOPENED and ticket.events[-1].note == "处理不彻底"
    assert bot_message(liaison, ROADS_CHAT, "#0001 已重新打开 · 小李 Li"), "staff are told"


async def test_duplicate_offers_nearby_open_tickets(liaison):
    await liaison.report(where=near_donghu(0))
    await liaison.report(user_id=RIDER_2, where=(near_donghu(0)[0] + 0.001, near_donghu(0)[1]))
    card = liaison.card(2)
    await press(liaison, GROUP, card, ROADS_STAFF, "🔁 重复")
    choice = _choice(liaison, GROUP, card)
    assert labels(choice) == ["#0001（111 米）", "取消"]
    await press(liaison, GROUP, choice, ROADS_STAFF, "#0001（111 米）")
    assert (await liaison.ticket(2)).duplicate_of == 1
    assert (await liaison.ticket(1)).reporter_count == 2


async def test_refused_presses(liaison):
    await file_reports(liaison, 2)
    card = liaison.card(1)

    stranger = await press(liaison, GROUP, card, STRANGER, "✅ 受理")
    assert stranger["show_alert"] and "没有权限" in stranger["text"]
    assert (await liaison.ticket(1)).status is Status.ASSIGNED

    forged = await press(liaison, GROUP, card, ROADS_STAFF, data="t:2:acknowledge:a")
    assert forged["show_alert"] and "过期" in forged["text"]
    assert (await liaison.ticket(2)).status is Status.ASSIGNED, "data for another ticket"

    nonsense = await press(liaison, GROUP, card, ROADS_STAFF, data="t:1:close:a")
    assert nonsense["show_alert"]

    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/ack 1")
    stale = await press(liaison, GROUP, card, ROADS_STAFF, data="t:1:acknowledge:a")
    assert stale["show_alert"] and "过期" in stale["text"]
    assert [e.kind for e in (await liaison.ticket(1)).events].count("acknowledge") == 1

    too_early = await press(liaison, GROUP, card, RIDER, data="t:1:reopen:k")
    assert too_early["show_alert"] and "不能重新打开" in too_early["text"]
