"""Photos, downloads, albums, documents, venues, live locations, forwards and replies."""

from __future__ import annotations

import io

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)
from PIL import Image

from bot.localapi import LocalBotApi


async def test_send_photo_upload_then_resend_by_file_id(
    server: LocalBotApi, bot: Bot, scene, jpeg
) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Ack", callback_data="ack:1")]]
    )
    data = jpeg(1600, 1200)
    first = await bot.send_photo(
        scene.group, BufferedInputFile(data, "bulge.jpg"), caption="#0001", reply_markup=keyboard
    )
    assert first.caption == "#0001"
    assert first.photo is not None and len(first.photo) >= 2
    largest = first.photo[-1]
    assert (largest.width, largest.height) == (1600, 1200)
    assert largest.file_size == len(data)
    assert first.photo[0].width < largest.width
    again = await bot.send_photo(scene.group, largest.file_id, caption="#0001 again")
    assert again.photo[-1].file_id == largest.file_id
    assert await bot.download(largest.file_id) is not None
    assert server.bot_history(scene.group)[1].photo_file_id == largest.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(scene.group, "no-such-file-id")
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(scene.group, BufferedInputFile(b"not an image", "x.jpg"))


async def test_user_photo_downloads_byte_for_byte(
    server: LocalBotApi, bot: Bot, scene, jpeg
) -> None:
    data = jpeg(1280, 960, "gray")
    await server.post_photo(scene.group, scene.alice, data, caption="/report road bulge")
    [update] = await bot.get_updates()
    photo = update.message.photo
    assert update.message.caption == "/report road bulge"
    file = await bot.get_file(photo[-1].file_id)
    assert file.file_path and file.file_size == len(data)
    downloaded = await bot.download(photo[-1])
    assert downloaded is not None and downloaded.read() == data
    small = (await bot.download(photo[0])).read()
    assert Image.open(io.BytesIO(small)).size[0] == photo[0].width


async def test_album_shares_media_group_id_with_caption_on_first(
    server: LocalBotApi, bot: Bot, scene, jpeg
) -> None:
    server.set_privacy(can_read_all_group_messages=True)
    posted = await server.post_album(
        scene.group, scene.alice, [jpeg(color="red"), jpeg(color="blue")], caption="two angles"
    )
    updates = await bot.get_updates()
    messages = [u.message for u in updates]
    assert len(messages) == 2
    assert messages[0].media_group_id == messages[1].media_group_id is not None
    assert messages[0].caption == "two angles" and messages[1].caption is None
    assert [m.message_id for m in messages] == [m.message_id for m in posted]


async def test_document_keeps_the_exact_file(server: LocalBotApi, bot: Bot, scene, jpeg) -> None:
    data = jpeg(300, 200)
    await server.post_document(scene.alice, scene.alice, data, "IMG_0042.jpg", "image/jpeg")
    [update] = await bot.get_updates()
    document = update.message.document
    assert document.file_name == "IMG_0042.jpg" and document.mime_type == "image/jpeg"
    assert (await bot.download(document)).read() == data
    sent = await bot.send_document(scene.alice, BufferedInputFile(b"a,b\n1,2\n", "digest.csv"))
    assert sent.document.file_name == "digest.csv" and sent.document.mime_type == "text/csv"
    resent = await bot.send_document(scene.alice, sent.document.file_id, caption="again")
    assert resent.document.file_id == sent.document.file_id


async def test_venue_and_live_location(server: LocalBotApi, bot: Bot, scene, clock) -> None:
    server.open_private_chat(scene.alice)
    await server.post_venue(
        scene.alice, scene.alice, 39.91, 116.39, "Elm St 5", "Elm St 5, Xicheng"
    )
    live = await server.post_live_location(scene.alice, scene.alice, 39.90, 116.40, live_period=600)
    clock.advance(60)
    await server.move_live_location(scene.alice, live.message_id, 39.901, 116.401)
    venue_update, live_update, moved_update = await bot.get_updates()
    venue = venue_update.message.venue
    assert venue.title == "Elm St 5" and venue.location.latitude == 39.91
    assert live_update.message.location.live_period == 600
    edited = moved_update.edited_message
    assert edited is not None and edited.message_id == live.message_id
    assert edited.location.latitude == 39.901 and edited.location.live_period == 600
    assert edited.edit_date == int(clock.now().timestamp())
    clock.advance(600)
    with pytest.raises(ValueError, match="expired"):
        await server.move_live_location(scene.alice, live.message_id, 39.9, 116.4)


async def test_forward_origins_parse(server: LocalBotApi, bot: Bot, scene) -> None:
    server.set_privacy(can_read_all_group_messages=True)
    await server.post_forward(
        scene.group, scene.alice, "lorry damaged road", from_user_id=scene.bob
    )
    await server.post_forward(scene.group, scene.alice, "seen it", hidden_user_name="Anon Rider")
    await server.post_forward(scene.group, scene.alice, "district notice", from_chat_id=scene.group)
    by_user, hidden, from_chat = (u.message for u in await bot.get_updates())
    assert isinstance(by_user.forward_origin, MessageOriginUser)
    assert by_user.forward_origin.sender_user.id == scene.bob
    assert by_user.forward_origin.date is not None
    assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "Anon Rider"
    assert isinstance(from_chat.forward_origin, MessageOriginChat)
    assert from_chat.forward_origin.sender_chat.id == scene.group


async def test_reply_to_a_bot_message_carries_the_full_message(
    server: LocalBotApi, bot: Bot, scene
) -> None:
    card = await bot.send_message(scene.group, "#0007 Which street?")
    answer = await server.post_text(scene.group, scene.alice, "Elm St", reply_to=card.message_id)
    [update] = await bot.get_updates()
    replied = update.message.reply_to_message
    assert replied is not None and replied.message_id == card.message_id
    assert replied.text == "#0007 Which street?" and replied.from_user.is_bot
    assert update.message.message_id == answer.message_id
    await server.edit_text(scene.group, answer.message_id, "Elm Street")
    [_, edit] = await bot.get_updates()
    assert edit.edited_message.text == "Elm Street" and edit.edited_message.edit_date
