"""The story the bot is built from: a bulge in the road at 12:00, level again at 17:00."""

from __future__ import annotations

from datetime import timedelta

from domain.status import Status
from domain.ticket import CloseReason, Rating
from tests.e2e.harness import GROUP, RIDER, ROADS_CHAT, ROADS_STAFF, jpeg
from tests.e2e.workflow.helpers import bot_message, labels, press, say, start_privately, thread


async def test_the_road_bulge_is_fixed_in_five_hours(liaison):
    await start_privately(liaison, RIDER)
    report = await liaison.report(caption="路面鼓包，大货车压出来的")  # 12:00 in Beijing

    ticket = await liaison.ticket(1)
    assert ticket.department_id == "roads"
    announcement = liaison.find(ROADS_CHAT, "#0001")
    assert announcement.photo_file_id and "张师傅" in announcement.caption

    await liaison.later(timedelta(minutes=7))
    await press(liaison, ROADS_CHAT, announcement, ROADS_STAFF, "✅ 受理")
    assert "#0001 已受理 · 张师傅 · 12:07（报告后 7 分钟）" in thread(liaison, report)
    assert "已受理" in liaison.card(1).text

    await liaison.later(timedelta(hours=4, minutes=53))
    after = await liaison.server.post_photo(ROADS_CHAT, ROADS_STAFF, jpeg((90, 90, 90)))
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "/resolve 1 路面已铣平", reply_to=after.message_id)

    resolved = await liaison.ticket(1)
    assert resolved.time_to_resolve == timedelta(hours=5)
    told = [m for m in liaison.server.bot_messages(GROUP)
            if m.reply_to_message_id == report.message_id and "已解决" in (m.caption or "")]
    assert len(told) == 1 and told[0].photo_file_id, "the group sees the after photo"
    assert "5 小时 0 分" in told[0].caption
    assert "✔️ 17:00 解决，用时 5 小时 0 分" in liaison.card(1).text

    question = bot_message(liaison, RIDER, "问题解决了吗")
    assert question.photo_file_id and "5 小时 0 分" in question.caption
    assert labels(question) == ["✅ 已解决", "❌ 没解决", "😊 满意", "🙂 基本满意", "🙁 不满意"]
    await press(liaison, RIDER, question, RIDER, "✅ 已解决")
    await press(liaison, RIDER, question, RIDER, "😊 满意")

    closed = await liaison.ticket(1)
    assert closed.status is Status.CLOSED and closed.close_reason == CloseReason.VERIFIED
    assert closed.rating is Rating.SATISFIED
    assert closed.time_to_resolve == timedelta(hours=5)
    assert "评价：😊 满意" in liaison.card(1).text
    assert labels(bot_message(liaison, RIDER, "#0001 已解决")) == []
