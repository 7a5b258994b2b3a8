"""The resolution's question as a click menu in the follower's chat: tapping 「1 已解决」 and
「满意」 does what the buttons do in Telegram."""

from __future__ import annotations

from domain.status import Status
from domain.ticket import Rating
from tests.e2e.harness import DONGHU, ROADS_CHAT, ROADS_STAFF

from .harness import RIDER
from .helpers import report


async def test_the_question_is_answered_by_tapping(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, "/resolve 1 已铣平")
    await wechat.settle()
    question = wechat.received(RIDER)[-1]
    assert question.kind == "msgmenu"
    assert "已铣平" in question.body["head_content"]
    offered = {item["content"]: item["id"] for item in question.body["list"]}
    # Each line names its ticket, so a tap answers this question and no other.
    assert set(offered) == {f"{w} #0001" for w in ("1 已解决", "2 没解决", "满意", "基本满意",
                                                   "不满意")}

    rider = wechat.wx.user(RIDER)
    await rider.tap_menu_item(offered["满意 #0001"])
    await wechat.settle()
    await rider.tap_menu_item(offered["1 已解决 #0001"])
    await wechat.settle()
    ticket = await wechat.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.rating is Rating.SATISFIED


async def test_with_two_questions_waiting_a_tap_answers_its_own_ticket(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    await report(wechat, RIDER, "路面塌了一块", (DONGHU[0] + 0.003, DONGHU[1]))
    for number in (1, 2):
        await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, f"/resolve {number} 已修好")
        await wechat.settle()
    [second] = [r for r in wechat.received(RIDER)
                if r.kind == "msgmenu" and r.body["head_content"].startswith("#0002")]
    offered = {item["content"]: item["id"] for item in second.body["list"]}

    await wechat.wx.user(RIDER).tap_menu_item(offered["满意 #0002"])
    await wechat.settle()
    assert (await wechat.ticket(2)).rating is Rating.SATISFIED
    assert (await wechat.ticket(1)).rating is None, "the other ticket's question still waits"
