"""Bad input gets a short, clear answer, and nothing the person sent is lost."""

from __future__ import annotations

from bot.localapi import people
from tests.e2e.harness import (
    ADMIN_CHAT,
    DONGHU,
    GROUP,
    OUTSIDE,
    RIDER,
    RIDER_2,
    ROADS_CHAT,
    STRANGER,
    jpeg,
    tg,
)
from tests.e2e.intake.helpers import (
    ZH,
    exif_jpeg,
    opening,
    past_grace,
    pending,
    prompts,
    read_files,
    said,
    tickets,
)

LAT, LON = DONGHU


async def test_coordinates_out_of_range(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    bad = await liaison.server.post_location(GROUP, RIDER, 95.0, 200.0)
    await liaison.settle()
    [reply] = said(liaison, "intake.bad_coordinates")
    assert reply.reply_to_message_id == bad.message_id
    assert await tickets(liaison) == []
    # The photo is still waiting for a good location.
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    assert len(await tickets(liaison)) == 1
    assert liaison.card(1).reply_to_message_id == photo.message_id


async def test_outside_every_area_goes_to_the_admins(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包 电话13812345678")
    await liaison.server.post_location(GROUP, RIDER, *OUTSIDE)
    await liaison.settle()
    assert await tickets(liaison) == []
    [reply] = said(liaison, "intake.outside_area")
    assert reply.reply_to_message_id == photo.message_id
    [forwarded] = liaison.server.bot_messages(ADMIN_CHAT)
    text = forwarded.caption or forwarded.text
    assert forwarded.payload.get("photo"), "the admins see the photo"
    # Admins see who it was and what they wrote, in full.
    assert "小李 Li" in text and "13812345678" in text and "40.5000" in text
    [row] = await pending(liaison)
    assert row.status == "outside" and row.data["photos"]


async def test_a_caption_over_telegrams_limit(liaison):
    caption = "路面鼓包，" + "很危险" * 400
    assert len(caption) > 1024
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), caption)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [reply] = said(liaison, "intake.too_long")
    assert reply.reply_to_message_id == photo.message_id and "1024" in reply.text
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "road"
    assert len(ticket.description) <= 1000 and ticket.description.endswith("…")
    assert len(liaison.card(1).text) < 4096
    [row] = await pending(liaison)
    assert row.data["texts"][0]["text"] == caption, "kept in full"


async def test_a_text_over_telegrams_limit(liaison):
    text = "路灯不亮 " * 1200
    await liaison.server.post_text(GROUP, RIDER, text)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [reply] = said(liaison, "intake.too_long")
    assert "4096" in reply.text
    [ticket] = await tickets(liaison)
    assert ticket.category_id == "lighting" and len(ticket.description) <= 1000


def post_raw(liaison, chat_id: int, user_id: int, content: dict):
    return people.post(liaison.server.world, chat_id, user_id, content)


VIDEO = {"video": {"file_id": "BAACAgIAAxkBAAIvideo", "file_unique_id": "AgADvideo",
                   "width": 640, "height": 480, "duration": 3}}
VOICE = {"voice": {"file_id": "AwACAgIAAxkBAAIvoice", "file_unique_id": "AgADvoice",
                   "duration": 2}}
STICKER = {"sticker": {"file_id": "CAACAgIAAxkBAAIstick", "file_unique_id": "AgADstick",
                       "type": "regular", "width": 512, "height": 512, "is_animated": False,
                       "is_video": False}}


async def test_a_video_in_the_group_is_answered(liaison):
    video = post_raw(liaison, GROUP, RIDER, VIDEO)
    voice = post_raw(liaison, GROUP, RIDER_2, VOICE)
    await liaison.settle()
    # Two riders are two lanes, worked side by side: either answer may go out first.
    replies = {r.reply_to_message_id: r.text for r in said(liaison, "intake.unsupported")}
    assert replies.keys() == {video.message_id, voice.message_id}
    assert ZH("intake.kind.video") in replies[video.message_id]
    assert ZH("intake.kind.voice") in replies[voice.message_id]
    assert await pending(liaison) == []


async def test_a_sticker_in_the_group_is_conversation(liaison):
    post_raw(liaison, GROUP, RIDER, STICKER)
    await liaison.settle()
    assert liaison.bot_texts(GROUP) == []


async def test_a_sticker_in_a_private_chat_is_answered(liaison):
    liaison.server.open_private_chat(RIDER)
    post_raw(liaison, RIDER, RIDER, STICKER)
    await liaison.settle()
    [reply] = said(liaison, "intake.unsupported", RIDER)
    assert ZH("intake.kind.sticker") in reply.text


async def test_a_file_that_is_not_an_image(liaison):
    sent = await liaison.server.post_document(GROUP, RIDER, b"%PDF-1.4 minutes", "notes.pdf",
                                              "application/pdf")
    await read_files(liaison)
    [reply] = said(liaison, "intake.unsupported")
    assert reply.reply_to_message_id == sent.message_id
    assert await pending(liaison) == []


async def test_a_file_that_only_claims_to_be_an_image(liaison):
    sent = await liaison.server.post_document(GROUP, RIDER, b"not really a jpeg", "IMG_1.jpg",
                                              "image/jpeg")
    await read_files(liaison)
    [reply] = said(liaison, "intake.unsupported")
    assert reply.reply_to_message_id == sent.message_id
    assert prompts(liaison) == []


async def test_a_file_sent_after_the_location(liaison):
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.server.post_document(GROUP, RIDER, exif_jpeg(*OUTSIDE), "IMG_2.jpg",
                                       "image/jpeg", caption="路面鼓包")
    await read_files(liaison)
    # The location sent counts; the one in the file is only used when none was sent.
    [ticket] = await tickets(liaison)
    assert (ticket.lat, ticket.lon) == (LAT, LON)


async def test_a_forwarded_report(liaison):
    await liaison.server.post_forward(GROUP, RIDER, "路面鼓包", photo=jpeg(),
                                      from_user_id=STRANGER)
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.reporter_id == tg(RIDER) and ticket.forwarded_from == "路人"
    assert "路人" not in liaison.card(1).text, "the group card names the reporter only"
    assert "路人" in (liaison.find(ROADS_CHAT, "#0001").caption or "")


async def test_an_edited_caption_updates_the_filed_ticket(liaison):
    photo = await liaison.server.post_photo(GROUP, RIDER, jpeg(), "路面鼓包")
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    await liaison.server.edit_caption(GROUP, photo.message_id, "路面鼓包，在东门外辅路上")
    await liaison.settle()
    ticket = await liaison.ticket(1)
    assert ticket.description == "路面鼓包，在东门外辅路上"
    assert ticket.events[-1].kind == "description_edited"
    assert ticket.events[-1].actor.user_id == tg(RIDER)
    assert "东门外辅路" in liaison.card(1).text
    assert "东门外辅路" in (liaison.find(ROADS_CHAT, "#0001").caption or "")


async def test_an_edit_before_the_location_is_used(liaison):
    text = await liaison.server.post_text(GROUP, RIDER, "这里有问题")
    await liaison.server.edit_text(GROUP, text.message_id, "这里路灯不亮")
    await liaison.settle()
    await past_grace(liaison)
    assert len(prompts(liaison)) == 1, "now it names a problem"
    await liaison.server.post_location(GROUP, RIDER, LAT, LON)
    await liaison.settle()
    [ticket] = await tickets(liaison)
    assert ticket.description == "这里路灯不亮" and ticket.category_id == "lighting"


async def test_an_edit_of_someone_elses_joined_report_does_not_rewrite_the_ticket(liaison):
    await liaison.report(caption="路面鼓包")
    second = await liaison.report(user_id=RIDER_2, caption="路面有坑",
                                  where=(LAT + 0.0001, LON))
    await liaison.server.edit_caption(GROUP, second.message_id, "路面有坑，很深")
    await liaison.settle()
    assert (await liaison.ticket(1)).description == "路面鼓包"


async def test_texts_the_group_sees_have_no_placeholders_left(liaison):
    await liaison.server.post_photo(GROUP, RIDER, jpeg())
    await liaison.settle()
    for text in liaison.bot_texts(GROUP):
        assert "{" not in text
    assert opening("intake.ask_location_group")
