"""What intake says in a group never gives away more than a first name, and never a phone
number; in a private chat it speaks the person's language."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, jpeg, tg
from tests.e2e.intake.helpers import EN, later, past_grace, prompts, said, tickets

LAT, LON = DONGHU
PHONE = "13812345678"


async def test_group_replies_carry_no_last_name_and_no_phone_number(liaison):
    # 小李 Li: the last name must stay out of the group.
    long_caption = f"路面鼓包 联系我 {PHONE} " + "很危险" * 400
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), long_caption)
    await liaison.settle()
    await later(liaison, timedelta(minutes=11))
    await liaison.report(caption=f"路面鼓包 电话 {PHONE}")
    await liaison.report(user_id=3002, caption=f"路面鼓包 {PHONE}", where=(LAT + 0.0001, LON))
    assert prompts(liaison) and said(liaison, "intake.expired")
    assert said(liaison, "intake.too_long") and said(liaison, "intake.duplicate_joined")
    for text in liaison.bot_texts(GROUP):
        assert PHONE not in text
        assert "Li" not in text.replace("Light", "")
    card = liaison.card(1).text
    assert "小李" in card and "138****5678" in card


async def test_a_private_chat_in_english(liaison):
    liaison.server.register_user(3500, "Sam", "Smith", "sam", "en")
    liaison.server.open_private_chat(3500)
    await liaison.server.post_photo(3500, 3500, jpeg(), "There is a huge pothole here")
    await liaison.settle()
    await past_grace(liaison)
    [prompt] = said(liaison, "intake.ask_location_private", 3500, EN)
    minutes = liaison.settings.intake.pair_window_minutes
    assert prompt.text == EN("intake.ask_location_private", minutes=minutes)
    keyboard = liaison.server.reply_keyboard(3500)
    assert keyboard["keyboard"][0][0]["text"] == EN("intake.share_location_button")
    assert keyboard["keyboard"][0][0]["request_location"] is True
    await liaison.server.press_reply_button(3500, 3500, EN("intake.share_location_button"),
                                            latitude=LAT, longitude=LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "road" and ticket.chat_id == tg(3500)
