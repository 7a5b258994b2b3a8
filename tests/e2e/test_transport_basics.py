"""The real aiogram bot over loopback HTTP: a message in, a reply out; a press, an edit."""

from __future__ import annotations

from tests.e2e.harness import GROUP, RIDER, ROADS_CHAT, ROADS_STAFF


async def test_help_command_gets_a_reply(liaison):
    sent = await liaison.server.post_command(GROUP, RIDER, "/help")
    await liaison.settle()
    replies = liaison.replies_to(GROUP, sent.message_id)
    assert len(replies) == 1
    assert "报告问题" in replies[0]


async def test_commands_are_published_in_both_languages(liaison):
    names = {c["command"] for c in liaison.server.commands(language_code="zh")}
    assert {"help", "start"} <= names
    english = liaison.server.commands(language_code="en")
    assert any("how to use" in c["description"] for c in english)


async def test_a_report_becomes_a_card_and_an_announcement(liaison):
    report = await liaison.report()
    card = liaison.card(1)
    assert card.reply_to_message_id == report.message_id
    assert "道路破损" in card.text and "道路养护所" in card.text
    announcement = liaison.find(ROADS_CHAT, "#0001")
    assert announcement.payload.get("photo"), "the department sees the photo"
    assert "张师傅" in (announcement.caption or "")


async def test_a_button_press_edits_the_card_and_answers(liaison):
    await liaison.report()
    card = liaison.card(1)
    query = await liaison.server.press_button(GROUP, card.message_id, ROADS_STAFF,
                                              text="✅ 受理")
    await liaison.settle()
    answer = liaison.server.callback_answer(query)
    assert answer is not None
    assert "已受理" in liaison.card(1).text
