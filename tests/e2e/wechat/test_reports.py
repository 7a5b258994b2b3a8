"""Riders report through the service account: photo and location in either order, the Label
as the address, a LOCATION event placing a photo sent alone, a text alone asked for its place."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.e2e.harness import DONGHU, ROADS_CHAT, jpeg

from .harness import RIDER

NUMBER = re.compile(r"#(\d{4,})")


def numbers(texts: list[str]) -> set[int]:
    return {int(n) for text in texts for n in NUMBER.findall(text)}


async def test_photo_then_location_files_one_ticket_with_the_label(wechat):
    rider = wechat.wx.user(RIDER)
    await rider.subscribe()
    await rider.send_image(jpeg())
    await rider.send_text("路面鼓包，大货车压出来的")
    await rider.send_location(*DONGHU, label="东湖路12号")
    await wechat.settle()

    [number] = numbers(wechat.texts_to(RIDER))
    ticket = await wechat.ticket(number)
    assert ticket.department_id == "roads"
    assert ticket.reporter.user_id == f"wechat:{RIDER}"
    assert ticket.description == "路面鼓包，大货车压出来的"
    assert "东湖路12号" in (ticket.address or "")
    assert abs(ticket.location.lat - DONGHU[0]) < 1e-4
    assert abs(ticket.location.lon - DONGHU[1]) < 1e-4, "GCJ-02 is turned back into WGS-84"
    assert any(f"#{number:04d}" in t for t in wechat.bot_texts(ROADS_CHAT))


async def test_a_photo_alone_takes_the_position_the_rider_reported(wechat):
    rider = wechat.wx.user(RIDER)
    await rider.report_location(*DONGHU)  # the LOCATION event, on opening the chat
    await wechat.later(timedelta(minutes=3))
    await rider.send_image(jpeg())
    await rider.send_text("井盖松了")
    await wechat.settle()
    await wechat.later(timedelta(seconds=wechat.settings.intake.grace_seconds + 1))
    [number] = numbers(wechat.texts_to(RIDER))
    ticket = await wechat.ticket(number)
    assert abs(ticket.location.lat - DONGHU[0]) < 1e-4
    assert abs(ticket.location.lon - DONGHU[1]) < 1e-4


async def test_a_photo_long_after_the_position_is_asked_where_it_is(wechat):
    rider = wechat.wx.user(RIDER)
    await rider.report_location(*DONGHU)
    window = wechat.settings.intake.pair_window_minutes
    await wechat.later(timedelta(minutes=window + 1))
    await rider.send_image(jpeg())
    await wechat.settle()
    await wechat.later(timedelta(seconds=wechat.settings.intake.grace_seconds + 1))
    assert await wechat.ticket(1) is None
    asks = [t for t in wechat.texts_to(RIDER) if str(window) in t]
    assert len(asks) == 1, wechat.texts_to(RIDER)


async def test_a_text_alone_is_asked_for_its_place(wechat):
    await wechat.wx.user(RIDER).send_text("路面有个大坑")
    await wechat.settle()
    await wechat.later(timedelta(seconds=wechat.settings.intake.grace_seconds + 1))
    assert await wechat.ticket(1) is None
    assert len(wechat.texts_to(RIDER)) == 1, "asked once for the location"


async def test_a_menu_click_runs_its_command(wechat):
    rider = wechat.wx.user(RIDER)
    await rider.click("STATIONS")
    await wechat.settle()
    assert wechat.texts_to(RIDER), "the stations list, or how to find one"
