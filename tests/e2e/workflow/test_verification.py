"""After a resolution: the reporters confirm or deny the fix and rate it; nobody answering
closes the ticket as fixed but unverified."""

from __future__ import annotations

from datetime import timedelta

from domain.status import Status
from domain.ticket import CloseReason, Rating
from tests.e2e.harness import GROUP, RIDER, RIDER_2, ROADS_CHAT, ROADS_STAFF, STRANGER
from tests.e2e.workflow.helpers import (
    bot_message,
    file_reports,
    labels,
    press,
    say,
    start_privately,
)

FIXED, NOT_FIXED, SATISFIED = "✅ 已解决", "❌ 没解决", "😊 满意"


def question(liaison, chat_id=GROUP):
    return bot_message(liaison, chat_id, "问题解决了吗")


async def test_not_fixed_reopens_and_tells_the_department(liaison):
    report, = await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1 已填平")
    asked = question(liaison)
    assert asked.reply_to_message_id == report.message_id
    assert asked.text.startswith(
        "#0001 已解决 · 张师傅 · 12:00 · 用时 0 分钟\n已填平\n小李，问题解决了吗")
    await press(liaison, GROUP, asked, RIDER, NOT_FIXED)

    ticket = await liaison.ticket(1)
    assert ticket.status is Status.REOPENED
    assert ticket.events[-1].note == "报告人反馈问题没有解决"
    assert "↩️ 此后已重新打开。" in asked.text and labels(asked) == []
    assert bot_message(liaison, ROADS_CHAT, "#0001 已重新打开 · 小李 Li")

    await liaison.later(timedelta(minutes=31))
    assert bot_message(liaison, ROADS_CHAT, "无人受理"), "the acknowledgement clock restarted"

    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1 重新铺了沥青")
    second = question(liaison)
    assert second.message_id != asked.message_id
    old = await press(liaison, GROUP, second, RIDER, data="v:1:fixed:1")
    assert old["show_alert"], "an answer to the first resolution is stale"
    await press(liaison, GROUP, second, RIDER, FIXED)
    assert (await liaison.ticket(1)).close_reason == CloseReason.VERIFIED


async def test_no_answer_in_48_hours_closes_as_unverified(liaison):
    await start_privately(liaison, RIDER)
    await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    private = question(liaison, RIDER)
    await liaison.later(timedelta(hours=47, minutes=59))
    assert (await liaison.ticket(1)).status is Status.RESOLVED
    await liaison.later(timedelta(minutes=2))
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.close_reason == CloseReason.UNVERIFIED
    assert "48 小时内未回复，按已解决办结" in private.text
    assert labels(private) == ["😊 满意", "🙂 基本满意", "🙁 不满意"], "a rating is still welcome"
    assert "报告人未在期限内回复" in liaison.card(1).text
    await press(liaison, RIDER, private, RIDER, "🙁 不满意")
    assert (await liaison.ticket(1)).rating is Rating.DISSATISFIED
    assert labels(private) == [] and "评价：🙁 不满意" in private.text


async def test_only_the_reporters_may_answer(liaison):
    await liaison.report(user_id=RIDER)
    await liaison.report(user_id=RIDER_2)  # the same spot: joins #0001
    assert (await liaison.ticket(1)).reporter_count == 2
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    asked = question(liaison)
    assert "小李、老王，问题解决了吗" in asked.text

    for outsider in (STRANGER, ROADS_STAFF):
        refused = await press(liaison, GROUP, asked, outsider, FIXED)
        assert refused["show_alert"] and "只有报告 #0001 的人" in refused["text"]
    assert (await liaison.ticket(1)).status is Status.RESOLVED

    await press(liaison, GROUP, asked, RIDER_2, SATISFIED)
    assert (await liaison.ticket(1)).rating is Rating.SATISFIED
    await press(liaison, GROUP, asked, RIDER_2, FIXED)
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.close_reason == CloseReason.VERIFIED
    again = await press(liaison, GROUP, asked, RIDER, data="v:1:fixed:1")
    assert again["show_alert"], "already answered"


async def test_forged_answers_are_refused(liaison):
    await file_reports(liaison, 2)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1")
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 2")
    first = bot_message(liaison, GROUP, "#0001 已解决")
    forged = await press(liaison, GROUP, first, RIDER, data="v:2:fixed:1")
    assert forged["show_alert"]
    assert (await liaison.ticket(2)).status is Status.RESOLVED


async def test_answered_questions_lose_their_buttons_everywhere(liaison):
    await start_privately(liaison, RIDER)
    await file_reports(liaison, 1)
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1 已填平")
    in_group, in_private = question(liaison), question(liaison, RIDER)
    assert labels(in_group) and labels(in_private)
    await press(liaison, RIDER, in_private, RIDER, FIXED)
    await press(liaison, RIDER, in_private, RIDER, SATISFIED)
    ticket = await liaison.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.rating is Rating.SATISFIED
    assert labels(in_private) == []
    assert labels(in_group) == [], "the group's copy is answered too"
    assert "评价：😊 满意" in in_group.text


async def test_answered_in_private_after_a_resolve_button(liaison):
    await start_privately(liaison, RIDER)
    await file_reports(liaison, 1)
    await say(liaison, GROUP, ROADS_STAFF, "/ack 1")
    await press(liaison, GROUP, liaison.card(1), ROADS_STAFF, "✔️ 已解决")
    in_group, in_private = question(liaison), question(liaison, RIDER)
    await press(liaison, RIDER, in_private, RIDER, FIXED)
    await press(liaison, RIDER, in_private, RIDER, SATISFIED)
    assert labels(in_private) == []
    assert labels(in_group) == [], "the group's copy is answered too"
