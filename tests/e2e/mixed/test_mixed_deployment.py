"""One deployment, three platforms, the same tickets: riders report through the WeChat service
account, the road crew works in its WeCom group, the district office stays on Telegram. The
seed story runs through all three, over real HTTP and WebSocket to the three local servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from domain.status import Status
from domain.ticket import CloseReason, Rating
from handlers.texts import Texts
from handlers.verbs import shown_answer
from handlers.workflow.verification import FIXED, RATINGS
from tests.e2e.harness import DISTRICT_CHAT, DONGHU, jpeg
from tests.e2e.wechat.harness import RIDER, WeChatHarness
from tests.e2e.wecom.harness import ZHANG, WeComHarness, button_key, post_text

BEIJING = ZoneInfo("Asia/Shanghai")
ZH = Texts("zh")
FIVE_HOURS = "5 小时 0 分"


class MixedHarness(WeChatHarness, WeComHarness):
    """The WeChat harness's service account and the WeCom harness's road crew, in one bot;
    the district office's department chat is a Telegram group."""

    async def start_bot(self, **options: Any) -> Any:
        self.settings = _district_on_telegram(self.settings)
        return await super().start_bot(**options)


def _district_on_telegram(settings: Settings) -> Settings:
    data = settings.model_dump()
    for department in data["departments"]:
        if department["id"] == "district":
            department["chat_id"] = DISTRICT_CHAT
    return Settings(**data, source=settings.source)


@pytest.fixture
async def mixed(database_url, tmp_path, clock) -> AsyncIterator[MixedHarness]:
    async with MixedHarness(database_url, tmp_path, clock) as harness:
        yield harness


async def _rider_reports(mixed: MixedHarness, caption: str,
                         where: tuple[float, float] = DONGHU) -> None:
    rider = mixed.wx.user(RIDER)
    await rider.send_image(jpeg())
    await rider.send_text(caption)
    await rider.send_location(*where, label="东湖路12号")
    await mixed.settle()


async def test_the_seed_story_through_wechat_wecom_and_telegram(mixed):
    assert sorted(mixed.app.platforms.names) == ["telegram", "wechat", "wecom"]
    await mixed.wx.user(RIDER).subscribe()
    await mixed.settle()
    [welcome] = mixed.texts_to(RIDER)
    assert "直接在这里发照片和位置" in welcome, "a follower reports right in the account's chat"
    assert mixed.clock.now().astimezone(BEIJING).strftime("%H:%M") == "12:00"
    await _rider_reports(mixed, "路面鼓包，大货车压出来的")

    # The rider reads their number on WeChat; the crew gets the photo and the card on WeCom.
    [card_to_rider] = [t for t in mixed.texts_to(RIDER) if "#0001" in t]
    # The rider's own chat carries the card, but not the crew's verbs: only staff use them.
    assert "受理 1" not in card_to_rider and "解决 1" not in card_to_rider, card_to_rider
    ticket = await mixed.ticket(1)
    assert ticket.department_id == "roads" and ticket.status is Status.ASSIGNED
    assert ticket.reporter.user_id == f"wechat:{RIDER}"
    card = mixed.card_about(1)
    images = [p for p in mixed.posts() if p.msgtype == "image"]
    assert images, "the rider's WeChat photo is shown in the WeCom group"
    assert mixed.wecom.uploaded[images[0].body["image"]["media_id"]][:3] == b"\xff\xd8\xff"

    await mixed.later(timedelta(minutes=7))
    await mixed.press(ZHANG, card["task_id"], button_key(card, "受理"))
    assert (await mixed.ticket(1)).status is Status.ACKNOWLEDGED
    assert any("已受理" in text for text in mixed.texts_to(RIDER)), "the rider hears of it"

    await mixed.later(timedelta(hours=4, minutes=53))
    await mixed.say(ZHANG, "解决 1 路面已铣平", image=jpeg((10, 200, 10)))
    resolved = await mixed.ticket(1)
    assert resolved.status is Status.RESOLVED
    assert resolved.time_to_resolve == timedelta(hours=5)
    [told] = [t for t in mixed.texts_to(RIDER) if FIVE_HOURS in t]
    assert "17:00" in told

    rider = mixed.wx.user(RIDER)
    await rider.send_text(f"{shown_answer(ZH, FIXED)} 1")
    await mixed.settle()
    satisfied = {rating: code for code, rating in RATINGS.items()}[Rating.SATISFIED]
    await rider.send_text(f"{shown_answer(ZH, satisfied)} 1")
    await mixed.settle()
    closed = await mixed.ticket(1)
    assert closed.status is Status.CLOSED and closed.close_reason == CloseReason.VERIFIED
    assert closed.rating is Rating.SATISFIED
    rated = ZH("card.rating", rating=ZH("rating.satisfied"))
    assert any(rated in text for text in mixed.texts_to(RIDER))
    assert "已办结" in post_text(mixed.posts()[-1]), "the crew sees it closed"

    # A second report is the district office's: the crew hands it over from WeCom, and it
    # is announced in the district office's Telegram group, buttons and all.
    await _rider_reports(mixed, "路面塌了一块", where=(DONGHU[0] + 0.002, DONGHU[1]))
    await mixed.say(ZHANG, "转派 2 district")
    moved = await mixed.ticket(2)
    assert moved.department_id == "district"
    [announcement] = [m for m in mixed.server.bot_messages(DISTRICT_CHAT)
                      if "#0002" in (m.text or m.caption or "")]
    assert announcement.inline_keyboard, "Telegram staff press its buttons"
