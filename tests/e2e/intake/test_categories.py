"""The category comes from the report's words, Chinese or English; when none match, the
reporter or the staff pick it on the card, and the ticket goes where it belongs."""

from __future__ import annotations

import pytest

from tests.e2e.harness import (
    ADMIN,
    DISTRICT_CHAT,
    DONGHU,
    GROUP,
    RIDER,
    ROADS_CHAT,
    ROADS_STAFF,
    STRANGER,
    VOLUNTEER_CHAT,
    jpeg,
)
from tests.e2e.intake.helpers import ZH, tickets

DISTRICT_STAFF = 2401
LAT, LON = DONGHU


@pytest.mark.parametrize(("caption", "category", "department"), [
    ("路面鼓包，电动车差点摔倒", "road", "roads"),
    ("下水道堵了，路上积水", "water", "water"),
    ("垃圾堆在路边好几天了", "sanitation", "sanitation"),
    ("路灯不亮，晚上很黑", "lighting", "donghu-volunteers"),
    ("Huge pothole in the bike lane", "road", "roads"),
    ("Trash bags everywhere, very dirty", "sanitation", "sanitation"),
    ("A fallen tree branch blocks the path", "tree", "sanitation"),
    ("Broken bench by the gate", "facility", "donghu-volunteers"),
])
async def test_category_and_department_from_the_caption(liaison, caption, category,
                                                        department):
    await liaison.report(caption=caption)
    [ticket] = await tickets(liaison)
    assert (ticket.category_id, ticket.department_id) == (category, department)
    assert liaison.settings.category(category).name in liaison.card(1).text.split("\n")[0]


async def unmatched(liaison):
    await liaison.report(caption="这里有个东西")
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "other" and ticket.department_id == "district"
    return liaison.card(1)


def button_texts(message) -> list[str]:
    return [b["text"] for row in message.inline_keyboard for b in row]


async def test_no_match_is_other_with_buttons_to_pick(liaison):
    card = await unmatched(liaison)
    assert "道路破损" in button_texts(card) and "其他" not in button_texts(card)
    assert "其他" in card.text


async def test_the_reporter_picks_and_the_ticket_moves_to_the_right_department(liaison):
    card = await unmatched(liaison)
    query = await liaison.server.press_button(GROUP, card.message_id, RIDER, text="道路破损")
    await liaison.settle()
    assert "道路破损" in liaison.server.callback_answer(query)["text"]
    [ticket] = await tickets(liaison)
    assert (ticket.category_id, ticket.department_id) == ("road", "roads")
    card = liaison.card(1)
    assert "道路破损" in card.text and "道路破损" not in button_texts(card)
    assert "道路养护所" in card.text
    assert liaison.find(ROADS_CHAT, "#0001").inline_keyboard, "roads can work it"
    old = liaison.find(DISTRICT_CHAT, "#0001")
    assert "道路养护所" in (old.text or old.caption)
    events = [e.kind for e in (await liaison.ticket(1)).events]
    assert "category_changed" in events and "transfer" in events


async def test_staff_of_the_department_and_admins_may_pick(liaison):
    card = await unmatched(liaison)
    await liaison.server.press_button(GROUP, card.message_id, DISTRICT_STAFF, text="公共设施")
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "facility"
    # Facilities in Donghu: the volunteers' area is the smaller one.
    assert ticket.department_id == "donghu-volunteers"
    assert liaison.find(VOLUNTEER_CHAT, "#0001")


async def test_an_admin_may_pick(liaison):
    card = await unmatched(liaison)
    await liaison.server.press_button(GROUP, card.message_id, ADMIN, text="环境卫生")
    await liaison.settle()
    assert (await tickets(liaison))[0].category_id == "sanitation"


async def test_others_may_not_pick(liaison):
    card = await unmatched(liaison)
    for person in (STRANGER, ROADS_STAFF):
        query = await liaison.server.press_button(GROUP, card.message_id, person,
                                                  text="道路破损")
        await liaison.settle()
        answer = liaison.server.callback_answer(query)
        assert answer["show_alert"] and answer["text"] == ZH("intake.category_not_permitted")
    assert (await tickets(liaison))[0].category_id == "other"


async def test_a_second_pick_on_an_old_card_is_refused(liaison):
    card = await unmatched(liaison)
    await liaison.server.press_button(GROUP, card.message_id, RIDER,
                                      data="c:1:road")
    await liaison.settle()
    query = await liaison.server.press_button(GROUP, card.message_id, RIDER,
                                              data="c:1:water")
    await liaison.settle()
    assert liaison.server.callback_answer(query)["text"] == ZH("error.stale_button")
    assert (await tickets(liaison))[0].category_id == "road"


async def test_forged_presses_are_refused(liaison):
    card = await unmatched(liaison)
    for data in ("c:1:nonsense", "c:99:road", "c:x:road", "c:1:other"):
        query = await liaison.server.press_button(GROUP, card.message_id, RIDER, data=data)
        await liaison.settle()
        assert liaison.server.callback_answer(query)["text"] == ZH("error.stale_button")
    assert (await tickets(liaison))[0].category_id == "other"


async def test_after_acknowledgement_the_category_changes_but_not_the_department(liaison):
    card = await unmatched(liaison)
    await liaison.server.press_button(GROUP, card.message_id, DISTRICT_STAFF, text="✅ 受理")
    await liaison.settle()
    await liaison.server.press_button(GROUP, card.message_id, DISTRICT_STAFF, data="c:1:road")
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert (ticket.category_id, ticket.department_id) == ("road", "district")


async def test_a_photo_without_words_is_other(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg())
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert (await tickets(liaison))[0].category_id == "other"
