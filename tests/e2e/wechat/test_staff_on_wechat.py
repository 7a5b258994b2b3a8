"""Staff on the same service account: the road crew's member follows it, the department's
announcements reach them there (as template messages when WeChat's window is closed), and they
work the ticket by typing its commands (「受理 1」, "ack 1", "/ack 1"); their colleague in
Telegram keeps working on the same tickets."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.e2e.harness import DONGHU, ROADS_STAFF

from .harness import RIDER, STAFF, WeChatHarness
from .helpers import report


class StaffOnWeChat(WeChatHarness):
    """张师傅 has a WeChat account too; the road crew's announcements go to it."""

    async def start_bot(self, **options: Any) -> App:
        settings = self.settings
        people = [p.model_copy(update={"wechat": STAFF}) if p.telegram == ROADS_STAFF
                  or p.id == ROADS_STAFF else p for p in settings.people]
        departments = [d.model_copy(update={"chat_id": f"wechat:{STAFF}",
                                            "staff": [*d.staff, f"wechat:{STAFF}"]})
                       if d.id == "roads" else d for d in settings.departments]
        self.settings = settings.model_copy(update={"people": people,
                                                    "departments": departments})
        return await super().start_bot(**options)


async def test_a_staff_member_on_wechat_hears_of_tickets_and_types_commands(
        database_url, tmp_path, clock):
    wechat = StaffOnWeChat(database_url, tmp_path, clock)
    await wechat.start()
    try:
        staff = wechat.wx.user(STAFF)  # he followed the account long ago
        await report(wechat, RIDER, "路面鼓包", DONGHU)
        [announcement] = wechat.received(STAFF)
        assert announcement.via == "template", "no window is open: WeChat allows a template"
        assert "#0001" in announcement.text

        await staff.send_text("受理 1")
        await wechat.settle()
        ticket = await wechat.ticket(1)
        assert ticket.acknowledged_at is not None
        assert ticket.events[-1].actor.name == "张师傅"
        assert any("已受理" in t for t in wechat.texts_to(RIDER))

        await staff.send_text("progress 1 正在铣平")
        await wechat.settle()
        assert any("正在铣平" in t for t in wechat.texts_to(RIDER))
        # His message opened WeChat's window: what follows reaches him as chat messages.
        assert wechat.received(STAFF)[-1].via == "custom"

        await wechat.server.post_text(ROADS_STAFF, ROADS_STAFF, "/resolve 1 已铣平")
        await wechat.settle()
        assert (await wechat.ticket(1)).status.value == "resolved", \
            "the same person in Telegram works on the same ticket"
    finally:
        await wechat.stop()
