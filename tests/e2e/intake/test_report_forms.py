"""Every way people really send a report becomes exactly one ticket with its card."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.harness import DONGHU, GROUP, RIDER, RIDER_2, ROADS_CHAT, jpeg, tg
from tests.e2e.intake.helpers import (
    exif_jpeg,
    later,
    past_grace,
    photos,
    prompts,
    read_files,
    tickets,
)

LAT, LON = DONGHU


async def only_ticket(liaison):
    found = await tickets(liaison)
    assert [t.number for t in found] == [1], [t.description for t in found]
    return found[0]


async def test_photo_then_location(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    assert prompts(liaison) == [], "the location usually follows within seconds"
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.category_id == "road" and ticket.has_photo
    assert liaison.card(1).reply_to_message_id == photo.message_id
    assert prompts(liaison) == []


async def test_location_then_photo(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert prompts(liaison) == [] and await tickets(liaison) == []
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert (ticket.lat, ticket.lon) == (LAT, LON)
    assert liaison.card(1).reply_to_message_id == photo.message_id
    assert prompts(liaison) == []


async def test_photo_without_caption_then_location(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg())
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.category_id == "other" and ticket.description == ""


async def test_album_then_location(liaison):
    album = await liaison.server.post_album(GROUP, RIDER, [jpeg(), jpeg((1, 2, 3)),
                                                         jpeg((9, 9, 9))], "井盖松动")
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await only_ticket(liaison)
    assert len(await photos(liaison, 1)) == 3
    assert "3" in liaison.card(1).text
    assert liaison.card(1).reply_to_message_id == album[0].message_id
    assert prompts(liaison) == []


async def test_venue(liaison):
    await liaison.server.post_venue(GROUP, RIDER, LAT, LON, "东湖暖心驿站", "东湖路 12 号")
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert "东湖暖心驿站" in ticket.address and not ticket.has_photo
    assert "东湖暖心驿站" in liaison.card(1).text


async def test_photo_then_venue(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "护栏倒了")
    await liaison.server.post_venue(GROUP, RIDER, LAT, LON, "东湖暖心驿站", "东湖路 12 号")
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.has_photo and ticket.category_id == "facility"


async def test_photo_sent_as_a_file_with_gps(liaison):
    data = exif_jpeg(LAT, LON)
    await liaison.server.post_document(GROUP, RIDER, data, "IMG_0042.jpg", "image/jpeg",
                                       caption="路面塌陷")
    await read_files(liaison)
    ticket = await only_ticket(liaison)
    assert abs(ticket.lat - LAT) < 1e-4 and abs(ticket.lon - LON) < 1e-4
    assert ticket.has_photo and ticket.category_id == "road"
    assert prompts(liaison) == []
    # The department sees the photo: our stored copy, since a file cannot be shown as one.
    announcement = liaison.find(ROADS_CHAT, "#0001")
    assert announcement.payload.get("photo")


async def test_photo_file_without_gps_asks_for_the_location(liaison):
    await liaison.server.post_document(GROUP, RIDER, jpeg(), "IMG_0043.jpg", "image/jpeg")
    await read_files(liaison)
    await past_grace(liaison)
    assert len(prompts(liaison)) == 1
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert (await only_ticket(liaison)).has_photo


async def test_live_location_uses_the_first_position(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路灯不亮")
    live = await liaison.server.post_live_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    for step in range(1, 4):
        await liaison.server.move_live_location(GROUP, live.message_id, LAT + step * 0.001, LON)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert (ticket.lat, ticket.lon) == (LAT, LON)


async def test_text_then_location_is_a_ticket_without_photo(liaison):
    await liaison.server.post_text(GROUP, RIDER, "这里路面有个大坑")
    await liaison.settle()
    await past_grace(liaison)
    assert len(prompts(liaison)) == 1
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert not ticket.has_photo and ticket.category_id == "road"
    assert "📷" in liaison.card(1).text  # the card says there is no photo


async def test_location_then_describing_text(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.server.post_text(GROUP, RIDER, "pothole right here")
    await liaison.settle()
    assert (await only_ticket(liaison)).category_id == "road"


async def test_location_replying_to_an_earlier_photo(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "垃圾堆在路边")
    await liaison.server.post_text(GROUP, RIDER_2, "收到，辛苦了")
    await liaison.settle()
    await liaison.server.post_location(GROUP, RIDER, LAT, LON, reply_to=photo.message_id)
    await liaison.settle()
    assert (await only_ticket(liaison)).category_id == "sanitation"
    assert liaison.card(1).reply_to_message_id == photo.message_id


async def test_location_replying_to_a_photo_whose_window_passed(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "树枝断了")
    await liaison.settle()
    await later(liaison, timedelta(minutes=30))
    await liaison.server.post_location(GROUP, RIDER, LAT, LON, reply_to=photo.message_id)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.category_id == "tree" and ticket.has_photo


async def test_photo_replying_to_an_earlier_location(liaison):
    where = await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await later(liaison, timedelta(minutes=20))
    await liaison.server.post_photo(GROUP, RIDER, jpeg(), "积水很深", reply_to=where.message_id)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.category_id == "water" and (ticket.lat, ticket.lon) == (LAT, LON)


async def test_private_chat_report(liaison):
    liaison.server.open_private_chat(RIDER)
    await liaison.server.post_photo(RIDER, RIDER, jpeg(), "路面鼓包")
    await liaison.settle()
    await past_grace(liaison)
    [prompt] = prompts(liaison, RIDER)
    # Only a private chat can offer the share-location button.
    assert liaison.server.reply_keyboard(RIDER) is not None
    await liaison.server.press_reply_button(RIDER, RIDER, liaison.server.reply_keyboard(
        RIDER)["keyboard"][0][0]["text"], latitude=LAT, longitude=LON)
    await liaison.settle()
    ticket = await only_ticket(liaison)
    assert ticket.chat_id == tg(RIDER) and prompt.reply_to_message_id is not None


async def test_a_photo_answering_the_card_belongs_to_the_ticket(liaison):
    await liaison.report()
    asked = len(prompts(liaison))
    await liaison.server.post_photo(GROUP, RIDER, jpeg((1, 99, 1)),
                                    reply_to=liaison.card(1).message_id)
    await liaison.settle()
    assert len(await photos(liaison, 1)) == 2
    assert len(await tickets(liaison)) == 1 and len(prompts(liaison)) == asked


async def test_another_photo_answering_ones_own_filed_report_joins_its_ticket(liaison):
    report = await liaison.report()
    asked = len(prompts(liaison))
    await liaison.server.post_photo(GROUP, RIDER, jpeg((1, 1, 99)),
                                    reply_to=report.message_id)
    await liaison.settle()
    assert len(await photos(liaison, 1)) == 2
    assert len(await tickets(liaison)) == 1 and len(prompts(liaison)) == asked
