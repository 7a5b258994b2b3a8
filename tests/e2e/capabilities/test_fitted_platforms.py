"""The core on a platform that lacks buttons, edits and location messages: the same bot over
the local Bot API server, with the capabilities its chats' platform declares overridden.

Reports are filed by naming the place, staff act by typing words, reporters answer by typing,
and changes arrive as new status lines instead of edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.status import Status
from domain.ticket import CloseReason, Rating
from messaging.capabilities import FULL, PLAIN_TEXT
from tests.e2e.harness import (
    GROUP,
    RIDER,
    ROADS_CHAT,
    ROADS_STAFF,
    SANITATION_STAFF,
    STRANGER,
    Harness,
    jpeg,
    tg,
)
from tests.e2e.intake.helpers import ZH, opening, past_grace, said
from tests.e2e.workflow.helpers import bot_message, say

NO_BUTTONS_EDITS_OR_LOCATIONS = replace(FULL, buttons=False, edit_messages=False,
                                        receive_locations=False)


@pytest.fixture
async def plain(database_url, tmp_path, clock):
    """The bot with every chat on a platform without buttons, edits or locations."""
    harness = Harness(database_url, tmp_path, clock)
    await harness.start()
    assert harness.app is not None
    harness.app.services.capabilities_of = lambda _chat: NO_BUTTONS_EDITS_OR_LOCATIONS
    try:
        yield harness
    finally:
        await harness.stop()


def edited(liaison: Harness, chat_id: int) -> list[str]:
    return [m.text or m.caption or "" for m in liaison.server.bot_messages(chat_id)
            if "edit_date" in m.payload]


def with_buttons(liaison: Harness, chat_id: int) -> list[str]:
    return [m.text or m.caption or "" for m in liaison.server.bot_messages(chat_id)
            if m.inline_keyboard]


async def file_by_place_name(liaison: Harness) -> None:
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await past_grace(liaison)
    [asked] = said(liaison, "intake.ask_place_name")
    assert "东湖暖心驿站" in asked.text, "the request names places that would do"
    await liaison.server.post_text(GROUP, RIDER, "东湖暖心驿站")
    await liaison.settle()


async def test_a_report_filed_by_naming_a_configured_place(plain):
    await file_by_place_name(plain)
    ticket = await plain.ticket(1)
    assert ticket is not None and ticket.category_id == "road"
    assert (round(ticket.location.lat, 4), round(ticket.location.lon, 4)) == (39.9215, 116.4712)
    assert ticket.address == "东湖暖心驿站"
    assert ticket.description == "路面鼓包", "the place's name is not taken as a description"
    assert ticket.department_id == "roads"
    card = bot_message(plain, GROUP, "#0001")
    assert "东湖暖心驿站" in card.text


async def test_one_message_naming_a_place_or_an_area_is_a_report(plain):
    await plain.server.post_text(GROUP, RIDER, "东湖路与西坝街路口 井盖松动")
    await plain.server.post_text(GROUP, STRANGER, "东湖社区 路面鼓包")
    await plain.settle()
    # Two people's reports are handled side by side: either may get the first number.
    by_reporter = {t.reporter.user_id: t for t in (await plain.ticket(1), await plain.ticket(2))}
    first, second = by_reporter[tg(RIDER)], by_reporter[tg(STRANGER)]
    assert first.address == "东湖路与西坝街路口"
    assert (first.location.lat, first.location.lon) == (39.92, 116.46)
    assert second.address == "东湖社区 Donghu", "an area's name places it inside the area"
    assert plain.app.services.areas.in_service_area(second.location.lat,
                                                    second.location.lon)


async def test_no_place_named_in_time_files_nothing_and_says_why(plain):
    await plain.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await plain.settle()
    await past_grace(plain)
    vague = await plain.server.post_text(GROUP, RIDER, "就在那边")  # no known place in it
    await plain.settle()
    [unknown] = plain.replies_to(GROUP, vague.message_id)
    assert unknown.startswith(opening("intake.unknown_place")) and "东湖暖心驿站" in unknown
    await plain.later(timedelta(minutes=11))
    [line] = said(plain, "intake.expired_place")
    assert "地点" in line.text
    assert await plain.count() == 0


async def test_staff_act_by_typed_words_and_changes_come_as_status_lines(plain):
    await file_by_place_name(plain)
    card = bot_message(plain, GROUP, "#0001")
    assert "回复：「受理 1」" in card.text and not card.inline_keyboard
    announcement = bot_message(plain, ROADS_CHAT, "#0001")
    assert announcement.photo_file_id, "photos still go where the platform can send them"
    assert "「受理 1」" in announcement.caption and "「驳回 1 原因」" in announcement.caption

    await say(plain, ROADS_CHAT, STRANGER, "受理 1")
    assert (await plain.ticket(1)).status is Status.ASSIGNED, "only staff act by words"
    # Staff of another department may type the words, and are told they may not.
    refused = await say(plain, ROADS_CHAT, SANITATION_STAFF, "受理 1")
    assert plain.replies_to(ROADS_CHAT, refused.message_id), "a refusal is said"
    assert (await plain.ticket(1)).status is Status.ASSIGNED

    acked = await say(plain, ROADS_CHAT, ROADS_STAFF, "受理 1")
    assert (await plain.ticket(1)).status is Status.ACKNOWLEDGED
    assert any("#0001 已受理" in line for line in plain.replies_to(ROADS_CHAT, acked.message_id))
    assert any(t.startswith("#0001 已受理") for t in plain.bot_texts(GROUP)), "a status line"
    await say(plain, ROADS_CHAT, ROADS_STAFF, "progress #0001 压路机在路上")
    assert (await plain.ticket(1)).status is Status.IN_PROGRESS
    assert edited(plain, GROUP) == [] and edited(plain, ROADS_CHAT) == []
    assert with_buttons(plain, GROUP) == [] and with_buttons(plain, ROADS_CHAT) == []


async def test_reporters_answer_by_typing(plain):
    await file_by_place_name(plain)
    await say(plain, ROADS_CHAT, ROADS_STAFF, "解决 1 已填平")
    assert (await plain.ticket(1)).status is Status.RESOLVED
    question = bot_message(plain, GROUP, "问题解决了吗")
    assert "「1 已解决」「2 没解决」「满意」「基本满意」「不满意」" in question.text
    assert not question.inline_keyboard

    # Someone else's 「1」 in the group is conversation, not an answer.
    await say(plain, GROUP, STRANGER, "1 已解决 #1")
    assert (await plain.ticket(1)).status is Status.RESOLVED

    answered = await say(plain, GROUP, RIDER, "1 已解决")
    ticket = await plain.ticket(1)
    assert ticket.status is Status.CLOSED and ticket.close_reason == CloseReason.VERIFIED.value
    assert plain.replies_to(GROUP, answered.message_id)
    await say(plain, GROUP, RIDER, "满意")
    assert (await plain.ticket(1)).rating is Rating.SATISFIED
    again = await say(plain, GROUP, RIDER, "不满意 1")
    assert (await plain.ticket(1)).rating is Rating.SATISFIED, "rated once"
    assert plain.replies_to(GROUP, again.message_id)
    assert edited(plain, GROUP) == []


async def test_a_report_starting_like_a_command_stays_a_report(plain):
    await file_by_place_name(plain)
    await plain.server.post_text(GROUP, STRANGER, "备注 1 号楼门口 东湖路与西坝街路口 路面鼓包")
    await plain.settle()
    assert (await plain.ticket(2)).address == "东湖路与西坝街路口"
    assert [e.kind for e in (await plain.ticket(1)).events].count("note") == 0


async def test_not_fixed_typed_reopens(plain):
    await file_by_place_name(plain)
    await say(plain, ROADS_CHAT, ROADS_STAFF, "resolve 1")
    await say(plain, GROUP, RIDER, "2 没解决")
    assert (await plain.ticket(1)).status is Status.REOPENED


async def test_plain_text_platform_gets_text_only(plain):
    plain.app.services.capabilities_of = lambda _chat: PLAIN_TEXT
    report = await plain.server.post_photo(GROUP, RIDER, jpeg(), "东湖暖心驿站 路面鼓包")
    await plain.settle()
    assert (await plain.ticket(1)).address == "东湖暖心驿站"
    for chat_id in (GROUP, ROADS_CHAT):
        messages = plain.server.bot_messages(chat_id)
        assert messages and all(m.text and not m.inline_keyboard for m in messages), \
            "no photos and no buttons"
        assert all(m.reply_to_message_id is None for m in messages), "no reply threads"
    assert report.message_id not in {m.reply_to_message_id
                                     for m in plain.server.bot_messages(GROUP)}


async def test_typed_words_work_where_buttons_exist_too(liaison):
    """Typing is never worse than pressing: the words work on Telegram as well."""
    await liaison.report()
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "ack 1")
    assert (await liaison.ticket(1)).status is Status.ACKNOWLEDGED
    assert liaison.card(1).inline_keyboard, "Telegram keeps its buttons"
    await say(liaison, ROADS_CHAT, ROADS_STAFF, "解决 1")
    await say(liaison, GROUP, RIDER, "1")
    assert (await liaison.ticket(1)).status is Status.RESOLVED, "a lone 1 is talk here"
    await say(liaison, GROUP, RIDER, "已解决")
    assert (await liaison.ticket(1)).status is Status.CLOSED
    assert opening("intake.ask_place_name", ZH) not in "\n".join(liaison.bot_texts(GROUP))


async def test_the_category_of_an_unsorted_report_is_typed(plain):
    await plain.server.post_photo(GROUP, RIDER, jpeg(), "东湖驿站 这里有个奇怪的东西")
    await plain.settle()
    assert (await plain.ticket(1)).category_id == "other"
    card = bot_message(plain, GROUP, "#0001")
    assert "「分类 1 道路破损」" in card.text
    await say(plain, GROUP, STRANGER, "分类 1 道路破损")
    assert (await plain.ticket(1)).category_id == "other", "someone else's words are talk"
    picked = await say(plain, GROUP, RIDER, "分类 1 道路破损")
    assert (await plain.ticket(1)).category_id == "road"
    assert any("道路破损" in line for line in plain.replies_to(GROUP, picked.message_id))
