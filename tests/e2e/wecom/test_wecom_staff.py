"""The road crew works its tickets in a WeCom group: the announcement card and its photo,
受理 by button, `@联络机器人 解决 N` with the after photo, forged presses, outsiders."""

from __future__ import annotations

from datetime import timedelta

from domain.status import Status
from tests.e2e.harness import RIDER, SANITATION_CHAT, jpeg

from .harness import STRANGER, ZHANG, button_key


async def test_announcement_card_then_ack_by_button_and_resolve_with_photo(crew):
    await crew.report(RIDER, caption="路面鼓包")
    card = crew.card_about(1)
    labels = [b["text"] for b in card["button_list"]]
    # Six buttons at most on a card: 受理 and 转办 (转派) first.
    assert len(labels) <= 6 and "受理" in labels[0] and "转" in labels[1], labels
    images = [p for p in crew.posts() if p.msgtype == "image"]
    assert images, "the rider's photo is shown before the card"
    assert crew.wecom.uploaded[images[0].body["image"]["media_id"]][:3] == b"\xff\xd8\xff"

    req_id = await crew.press(ZHANG, card["task_id"], button_key(card, "受理"))
    assert (await crew.ticket(1)).status is Status.ACKNOWLEDGED
    # Within WeCom's window the pressed card itself is replaced, with the status beneath.
    [update] = [p for p in crew.posts() if p.kind == "card_update"]
    assert update.req_id == req_id
    replaced = update.body["template_card"]
    assert replaced["task_id"] == card["task_id"] and "已受理" in replaced["sub_title_text"]
    assert card["sub_title_text"] in replaced["sub_title_text"], "the details stay"

    await crew.say(ZHANG, "解决 1 已修复", image=jpeg((10, 200, 10)))
    ticket = await crew.ticket(1)
    assert ticket.status is Status.RESOLVED
    async with crew.app.uows(read_only=True) as uow:
        photos = await uow.tickets.photos(ticket)
    assert [p.kind for p in photos].count("after") == 1, "the image is the after photo"


async def test_forged_card_event_is_refused_and_changes_nothing(crew):
    await crew.report(RIDER, caption="路面鼓包")
    card = crew.card_about(1)
    before = len(crew.posts())
    # A real card, with a key no button of ours carries.
    await crew.press(ZHANG, card["task_id"], "t:1:ack:resolved-by-hand")
    assert (await crew.ticket(1)).status is Status.ASSIGNED
    # A key that claims another ticket's card.
    await crew.report(RIDER, caption="又一个坑", where=(39.9150, 116.4650))
    other = crew.card_about(2)
    await crew.press(ZHANG, card["task_id"], button_key(other, "受理"))
    assert (await crew.ticket(2)).status is Status.ASSIGNED
    assert len(crew.posts()) > before


async def test_a_member_who_is_not_staff_is_refused_politely(crew):
    await crew.report(RIDER, caption="路面鼓包")
    await crew.say(STRANGER, "解决 1 已修复")
    assert (await crew.ticket(1)).status is Status.ASSIGNED
    # The catalog's refusal, in the group where they asked; no trace of an error.
    assert crew.texts()[-1].startswith("你没有权限对 #0001"), crew.texts()[-1]



async def test_the_morning_digest_reaches_the_group_with_its_chart(crew):
    await crew.report(RIDER, caption="路面鼓包")
    before = len(crew.posts())
    # From 12:00 to the next morning's 08:30 digest.
    await crew.later(timedelta(hours=20, minutes=31))
    after = crew.posts()[before:]
    images = [p for p in after if p.msgtype == "image"]
    assert images, [p.text for p in after]
    assert crew.wecom.uploaded[images[0].body["image"]["media_id"]][:8] == b"\x89PNG\r\n\x1a\n"


async def test_a_ticket_transferred_from_wecom_reaches_the_telegram_department(crew):
    await crew.report(RIDER, caption="路面鼓包")
    await crew.say(ZHANG, "转派 1 环卫所")
    ticket = await crew.ticket(1)
    assert ticket.department_id == "sanitation"
    assert any("#0001" in text for text in crew.bot_texts(SANITATION_CHAT)), \
        "the Telegram department's chat gets the ticket"


async def test_a_one_to_one_chat_with_the_bot_is_answered_there(crew):
    await crew.report(RIDER, caption="路面鼓包")
    msgid = "single-1"
    await crew.wecom.say("", ZHANG, "待办", group=False, msgid=msgid)
    await crew.stored(msgid)
    await crew.settle()
    answers = crew.texts(ZHANG)
    assert answers and "#0001" in answers[-1], answers
