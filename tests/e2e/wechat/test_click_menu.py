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
    assert set(offered) == {"1 已解决", "2 没解决", "满意", "基本满意", "不满意"}

    rider = wechat.wx.user(RIDER)
    await rider.tap_menu_item(offered["满意"])
    await wechat.settle()
    await rider.tap_menu_item(offered["1 已解决"])
    await wechat.settle()
    ticket = await wechat.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.rating is Rating.SATISFIED
