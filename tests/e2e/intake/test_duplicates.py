"""A second report of the same problem nearby joins the open ticket instead of opening one."""

from __future__ import annotations

from tests.e2e.harness import DONGHU, GROUP, OTHER_GROUP, RIDER, RIDER_2, STRANGER, jpeg
from tests.e2e.intake.helpers import ZH, photos, said, tickets

LAT, LON = DONGHU
# About 22 m north of DONGHU, and about 111 m.
NEAR = (LAT + 0.0002, LON)
FAR = (LAT + 0.001, LON)


async def test_a_second_report_nearby_joins_the_first(liaison):
    await liaison.report(caption="路面鼓包")
    second = await liaison.report(user_id=RIDER_2, caption="路面有个大坑", where=NEAR,
                                  photo=jpeg((0, 0, 255)))
    [ticket] = await tickets(liaison)
    assert ticket.reporter_count == 2
    assert len(await photos(liaison, 1)) == 2
    [reply] = said(liaison, "intake.duplicate_joined")
    assert "#0001" in reply.text and reply.reply_to_message_id == second.message_id
    assert "2" in liaison.card(1).text  # the card counts the reporters
    assert await followers(liaison, 1) == {RIDER, RIDER_2}


async def followers(liaison, number: int) -> set[int]:
    async with liaison.app.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
        return {int(f.user_id.removeprefix("telegram:"))
                for f in await uow.tickets.followers(ticket)}


async def test_the_new_reporter_hears_how_it_goes(liaison):
    liaison.server.open_private_chat(RIDER_2)
    await liaison.server.post_command(RIDER_2, RIDER_2, "/start")
    await liaison.report(caption="路面鼓包")
    await liaison.report(user_id=RIDER_2, caption="路面鼓包", where=NEAR)
    card = liaison.card(1)
    await liaison.server.press_button(GROUP, card.message_id, 2001, text="✅ 受理")
    await liaison.settle()
    assert any("#0001" in text for text in liaison.bot_texts(RIDER_2))


async def test_from_another_group_it_joins_too(liaison):
    await liaison.report(caption="路面鼓包")
    await liaison.report(user_id=STRANGER, chat_id=OTHER_GROUP, caption="road bump", where=NEAR)
    [ticket] = await tickets(liaison)
    assert ticket.reporter_count == 2
    assert said(liaison, "intake.duplicate_joined", OTHER_GROUP)


async def test_another_category_is_another_ticket(liaison):
    await liaison.report(caption="路面鼓包")
    await liaison.report(user_id=RIDER_2, caption="路灯不亮", where=NEAR)
    assert [t.category_id for t in await tickets(liaison)] == ["road", "lighting"]


async def test_farther_than_the_radius_is_another_ticket(liaison):
    await liaison.report(caption="路面鼓包")
    await liaison.report(user_id=RIDER_2, caption="路面鼓包", where=FAR)
    assert len(await tickets(liaison)) == 2


async def test_a_closed_ticket_is_not_joined(liaison):
    await liaison.report(caption="路面鼓包")
    card = liaison.card(1)
    await liaison.server.press_button(GROUP, card.message_id, 2001, text="✅ 受理")
    await liaison.settle()
    await liaison.server.post_command(GROUP, 2001, "/reject 1 不归我们管")
    await liaison.settle()
    assert (await tickets(liaison))[0].status == "rejected"
    await liaison.report(user_id=RIDER_2, caption="路面鼓包", where=NEAR)
    assert len(await tickets(liaison)) == 2


async def test_the_same_person_again_is_not_a_second_reporter(liaison):
    await liaison.report(caption="路面鼓包")
    await liaison.report(caption="路面鼓包，又拍了一张", where=NEAR, photo=jpeg((5, 5, 5)))
    [ticket] = await tickets(liaison)
    assert ticket.reporter_count == 1
    assert len(await photos(liaison, 1)) == 2
    [reply] = said(liaison, "intake.already_reported")
    assert reply.text == ZH("intake.already_reported", ticket="#0001")
