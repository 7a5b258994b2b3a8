"""Methods beyond the core set that a routing bot is likely to use, parsed by aiogram."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InputMediaPhoto,
    KeyboardButton,
    MessageOriginUser,
    ReplyKeyboardMarkup,
)

from bot.localapi import LocalBotApi

DEPARTMENT = -1009876543210


async def test_route_a_report_to_a_department_chat(
    server: LocalBotApi, bot: Bot, scene, jpeg
) -> None:
    server.create_group(DEPARTMENT, "Road maintenance", bot_status="administrator")
    server.set_privacy(can_read_all_group_messages=True)
    report = await server.post_photo(scene.group, scene.alice, jpeg(), caption="bulge")
    forwarded = await bot.forward_message(DEPARTMENT, scene.group, report.message_id)
    assert isinstance(forwarded.forward_origin, MessageOriginUser)
    assert forwarded.forward_origin.sender_user.id == scene.alice
    assert forwarded.photo[-1].file_id == report.photo_file_id
    copied = await bot.copy_message(DEPARTMENT, scene.group, report.message_id, caption="#0001")
    copy = server.world.find_message(DEPARTMENT, copied.message_id)
    assert copy is not None and copy.caption == "#0001" and "forward_origin" not in copy.payload
    location = await bot.send_location(DEPARTMENT, 39.9, 116.4, horizontal_accuracy=20)
    assert location.location.latitude == 39.9
    album = await bot.send_media_group(
        DEPARTMENT,
        [
            InputMediaPhoto(media=report.photo_file_id, caption="#0001 photos"),
            InputMediaPhoto(media=BufferedInputFile(jpeg(color="green"), "b.jpg")),
        ],
    )
    assert len(album) == 2 and album[0].media_group_id == album[1].media_group_id
    assert album[0].caption == "#0001 photos"
    edited = await bot.edit_message_caption(
        chat_id=DEPARTMENT, message_id=album[0].message_id, caption="#0001 photos (2)"
    )
    assert edited.caption == "#0001 photos (2)"
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("x", chat_id=DEPARTMENT, message_id=album[0].message_id)


async def test_admins_member_count_and_command_deletion(
    server: LocalBotApi, bot: Bot, scene
) -> None:
    server.set_member_status(scene.group, scene.bob, "creator")
    server.set_member_status(scene.group, scene.alice, "member")
    admins = await bot.get_chat_administrators(scene.group)
    assert [a.user.id for a in admins] == [scene.bob]
    assert await bot.get_chat_member_count(scene.group) == 3
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []


async def test_pressing_reply_keyboard_buttons(server: LocalBotApi, bot: Bot, scene) -> None:
    server.open_private_chat(scene.alice)
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="📍 Share location", request_location=True)],
            [KeyboardButton(text="Cancel")],
        ],
        one_time_keyboard=True,
    )
    await bot.send_message(scene.alice, "Where?", reply_markup=keyboard)
    with pytest.raises(ValueError, match="give latitude and longitude"):
        await server.press_reply_button(scene.alice, scene.alice, "📍 Share location")
    await server.press_reply_button(
        scene.alice, scene.alice, "📍 Share location", latitude=39.9, longitude=116.4
    )
    assert server.reply_keyboard(scene.alice) is None  # one-time keyboards hide after use
    [update] = await bot.get_updates()
    assert update.message.location.longitude == 116.4


async def test_html_entities_and_markdown(bot: Bot, scene) -> None:
    sent = await bot.send_message(
        scene.group,
        'Ticket <a href="https://example.org/t/1">#0001</a> &amp; more',
        parse_mode="HTML",
    )
    assert sent.text == "Ticket #0001 & more"
    assert sent.entities[0].type == "text_link" and sent.entities[0].url.endswith("/t/1")
    md = await bot.send_message(scene.group, "*bold* and \\#0002", parse_mode="MarkdownV2")
    assert md.text == "bold and #0002" and md.entities[0].type == "bold"
    with pytest.raises(TelegramBadRequest, match="Character '#' is reserved"):
        await bot.send_message(scene.group, "ticket #0003", parse_mode="MarkdownV2")
