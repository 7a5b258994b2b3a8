"""WeChat's customer-service budget: five messages within 48 hours of the follower's last
message; beyond it, template messages (linked to the ticket's page when the web console has an
address); WeChat's own refusals (45015, 45047) also fall back; nothing is lost."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import DONGHU, ROADS_CHAT, ROADS_STAFF

from .harness import RIDER, TEMPLATE_ID, WeChatHarness
from .helpers import report


async def staff(wechat, text: str) -> None:
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, text)
    await wechat.settle()


def vias(wechat) -> list[str]:
    return [r.via for r in wechat.received(RIDER)]


async def test_the_sixth_message_goes_as_a_template(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    assert vias(wechat) == ["custom"], "the card"
    await staff(wechat, "/ack 1")
    for step in range(1, 5):
        await staff(wechat, f"/progress 1 第{step}次进展")
    assert vias(wechat) == ["custom"] * 5 + ["template"]
    template = wechat.received(RIDER)[-1]
    assert template.body["template_id"] == TEMPLATE_ID
    values = [v["value"] for v in template.body["data"].values()]
    assert "#0001" in values and any("第4次进展" in v or "处理中" in v for v in values), values

    await wechat.wx.user(RIDER).send_text("谢谢")  # a new message opens a new grant
    await wechat.settle()
    await staff(wechat, "/progress 1 第5次进展")
    assert vias(wechat)[-1] == "custom"


async def test_after_48_hours_status_goes_as_a_template_and_a_restart_keeps_the_count(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    await staff(wechat, "/ack 1")
    await wechat.restart_bot()  # the budget is the database's, not the process's
    await staff(wechat, "/progress 1 正在处理")
    assert vias(wechat) == ["custom"] * 3
    await wechat.later(timedelta(hours=48, minutes=1))
    await staff(wechat, "/resolve 1 已修好")
    assert wechat.received(RIDER)[-1].via == "template"
    assert any("已解决" in r.text for r in wechat.received(RIDER)[3:])


async def test_wechat_refusing_a_customer_message_falls_back_to_a_template(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    wechat.wx.faults.fail("/cgi-bin/message/custom/send", 45047)
    await staff(wechat, "/ack 1")
    wechat.wx.faults.fail("/cgi-bin/message/custom/send", 45015)
    await staff(wechat, "/progress 1 在处理")
    received = wechat.received(RIDER)
    assert [r.via for r in received] == ["custom", "template", "template"]
    assert "已受理" in received[1].text and "处理中" in received[2].text


async def test_a_template_links_to_the_ticket_page_when_the_web_has_an_address(
        database_url, tmp_path, clock):
    harness = WeChatHarness(database_url, tmp_path, clock, web={
        "listen": "127.0.0.1:0", "base_url": "https://liaison.example.org"})
    await harness.start()
    try:
        await report(harness, RIDER, "路面鼓包", DONGHU)
        await harness.later(timedelta(hours=49))
        await harness.server.post_text(ROADS_CHAT, ROADS_STAFF, "/ack 1")
        await harness.settle()
        template = harness.received(RIDER)[-1]
        assert template.via == "template"
        assert template.body["url"] == "https://liaison.example.org/web/tickets/1"
    finally:
        await harness.stop()
