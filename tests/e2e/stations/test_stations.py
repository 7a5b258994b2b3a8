"""/stations and 「附近驿站」 through the real bot: the nearest three with distances, open or
closed on the fake clock, and asking for a location when there is none yet."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg
from tests.e2e.intake.helpers import past_grace, said, tickets

LAT, LON = DONGHU
NEAREST = ["东湖暖心驿站", "将台坝河北路暖心驿站", "东湖路夜间驿站"]


def answers(liaison, chat_id=RIDER):
    return said(liaison, "stations.title", chat_id)


def entries(text: str) -> list[tuple[str, str]]:
    """(name, distance) of each numbered station in an answer."""
    return re.findall(r"^\d\. (.+?) · (\d+(?:\.\d)? (?:米|公里))$", text, re.MULTILINE)


async def test_the_nearest_three_with_their_distances(liaison):
    liaison.server.open_private_chat(RIDER)
    await liaison.server.post_location(RIDER, RIDER, LAT, LON)
    asked = await liaison.server.post_command(RIDER, RIDER, "/stations")
    await liaison.settle()
    [answer] = answers(liaison)
    assert answer.reply_to_message_id == asked.message_id
    assert entries(answer.text) == [(NEAREST[0], "0 米"), (NEAREST[1], "340 米"),
                                    (NEAREST[2], "520 米")]
    assert "西坝骑手之家" not in answer.text, "three, the nearest"
    assert "🔌" in answer.text and "🩹" in answer.text and "图标：" in answer.text
    assert answer.text.count("https://uri.amap.com/marker?") == 3
    assert "☎️ 010-6432 1188" in answer.text


async def test_open_or_closed_at_eleven_at_night(liaison):
    await liaison.later(timedelta(hours=11))  # 23:00 in Beijing
    liaison.server.open_private_chat(RIDER)
    await liaison.server.post_location(RIDER, RIDER, LAT, LON)
    await liaison.server.post_text(RIDER, RIDER, "附近驿站")
    await liaison.settle()
    [answer] = answers(liaison)
    blocks = answer.text.split("\n\n")[1:4]
    assert [entries(b)[0][0] for b in blocks] == NEAREST
    assert "🟢 24 小时开放" in blocks[0]
    assert "🔴 已关门 · 明天 07:00 开门" in blocks[1]
    assert "🟢 开放中 · 明天 06:00 关门" in blocks[2]


async def test_with_no_location_yet_the_bot_asks_for_one(liaison):
    liaison.server.open_private_chat(RIDER)
    asked = await liaison.server.post_command(RIDER, RIDER, "/stations")
    await liaison.settle()
    [request] = said(liaison, "stations.ask_location_private", RIDER)
    assert request.reply_to_message_id == asked.message_id
    keyboard = liaison.server.reply_keyboard(RIDER)
    assert keyboard["keyboard"][0][0]["request_location"] is True
    assert answers(liaison) == []
    await liaison.server.press_reply_button(RIDER, RIDER, keyboard["keyboard"][0][0]["text"],
                                            latitude=LAT, longitude=LON)
    await liaison.settle()
    [answer] = answers(liaison)
    assert [name for name, _ in entries(answer.text)] == NEAREST
    # The location answered the question: it is no report, and nobody asks for a photo.
    await past_grace(liaison)
    await liaison.later(timedelta(minutes=15))
    assert said(liaison, "intake.ask_content_private", RIDER) == []
    assert await tickets(liaison) == []


async def test_in_the_group_with_the_location_just_sent(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT + 0.0021, LON + 0.0029)
    asked = await liaison.server.post_command(GROUP, RIDER, "/stations")
    await liaison.settle()
    [answer] = answers(liaison, GROUP)
    assert answer.reply_to_message_id == asked.message_id
    assert entries(answer.text)[0] == (NEAREST[1], "0 米")
    await past_grace(liaison)
    assert said(liaison, "intake.ask_content_group", GROUP) == [], "the location was for this"


async def test_in_the_group_without_a_location_the_bot_asks(liaison):
    await liaison.server.post_text(GROUP, RIDER, "附近驿站")
    await liaison.settle()
    assert said(liaison, "stations.ask_location_group", GROUP)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert len(answers(liaison, GROUP)) == 1


async def test_a_lone_location_in_private_offers_the_stations(liaison):
    liaison.server.open_private_chat(RIDER)
    await liaison.server.post_location(RIDER, RIDER, LAT, LON)
    await liaison.settle()
    assert liaison.bot_texts(RIDER) == []
    await past_grace(liaison)
    [ask] = said(liaison, "intake.ask_content_private", RIDER)
    assert "🏠" in ask.text and NEAREST[0] in ask.text
    # A photo afterwards still makes it a report, and the stations stay in the chat.
    await liaison.server.post_photo(RIDER, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert not liaison.server.world.messages[(RIDER, ask.message_id)].deleted
