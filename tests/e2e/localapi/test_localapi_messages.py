"""Sending, keyboards, button presses, edits, replies, deletes and Telegram's refusals."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyParameters,
)

from bot.localapi import LocalBotApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def ack_keyboard(ticket: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Acknowledge", callback_data=f"ack:{ticket}"),
                InlineKeyboardButton(text="Map", url="https://example.org/map"),
            ]
        ]
    )


async def test_button_press_reaches_the_bot_and_the_answer_is_recorded(
    server: LocalBotApi, bot: Bot, scene
) -> None:
    card = await bot.send_message(
        scene.group,
        "<b>#0012</b> road bulge",
        parse_mode="HTML",
        reply_markup=ack_keyboard(12),
        disable_notification=True,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert card.text == "#0012 road bulge"
    assert card.entities is not None and card.entities[0].type == "bold"
    assert card.reply_markup is not None
    query_id = await server.press_button(
        scene.group, card.message_id, scene.bob, text="Acknowledge"
    )
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "ack:12"
    assert query.from_user.id == scene.bob
    assert query.message is not None and query.message.message_id == card.message_id
    assert query.chat_instance
    assert await bot.answer_callback_query(query.id, text="Acknowledged", show_alert=True)
    answer = await server.wait_for_callback_answer(query_id)
    assert answer["text"] == "Acknowledged" and answer["show_alert"] is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)
    forged = await server.press_button(scene.group, card.message_id, scene.bob, data="close:99")
    [_, update] = await bot.get_updates()
    assert update.callback_query.id == forged and update.callback_query.data == "close:99"


async def test_edit_text_and_not_modified(server: LocalBotApi, bot: Bot, scene) -> None:
    card = await bot.send_message(scene.group, "#0012 open", reply_markup=ack_keyboard(12))
    edited = await bot.edit_message_text(
        "#0012 acknowledged",
        chat_id=scene.group,
        message_id=card.message_id,
        reply_markup=ack_keyboard(12),
    )
    assert edited.text == "#0012 acknowledged" and edited.edit_date is not None
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.edit_message_text(
            "#0012 acknowledged",
            chat_id=scene.group,
            message_id=card.message_id,
            reply_markup=ack_keyboard(12),
        )
    assert caught.value.message == NOT_MODIFIED
    # Without reply_markup the keyboard goes, as on Telegram, so this is a real change.
    await bot.edit_message_text(
        "#0012 acknowledged", chat_id=scene.group, message_id=card.message_id
    )
    stored = server.bot_messages(scene.group)[0]
    assert stored.text == "#0012 acknowledged" and stored.inline_keyboard == []
    await bot.edit_message_reply_markup(
        chat_id=scene.group, message_id=card.message_id, reply_markup=ack_keyboard(13)
    )
    actions = [(a.action, a.text) for a in server.bot_history(scene.group)]
    assert actions == [
        ("send", "#0012 open"),
        ("edit_text", "#0012 acknowledged"),
        ("edit_text", "#0012 acknowledged"),
        ("edit_reply_markup", "#0012 acknowledged"),
    ]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=scene.group, message_id=999)
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=scene.group, message_id=card.message_id, caption="x")
    people_message = await server.post_text(scene.group, scene.alice, "mine")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=scene.group, message_id=people_message.message_id)


async def test_replies_and_missing_reply_targets(server: LocalBotApi, bot: Bot, scene) -> None:
    report = await server.post_text(scene.group, scene.alice, "/report bulge")
    reply = await bot.send_message(
        scene.group, "Got it", reply_parameters=ReplyParameters(message_id=report.message_id)
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/report bulge"
    legacy = await bot.send_message(scene.group, "Also", reply_to_message_id=report.message_id)
    assert legacy.reply_to_message.message_id == report.message_id
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(scene.group, "x", reply_parameters=ReplyParameters(message_id=777))
    orphan = await bot.send_message(
        scene.group,
        "anyway",
        reply_parameters=ReplyParameters(message_id=777, allow_sending_without_reply=True),
    )
    assert orphan.reply_to_message is None
    assert server.bot_history(scene.group)[0].reply_to_message_id == report.message_id


async def test_length_limits_and_parse_errors(bot: Bot, scene, jpeg) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(scene.group, "x" * 4097)
    assert (await bot.send_message(scene.group, "x" * 4096)).text == "x" * 4096
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(scene.group, " ")
    photo = BufferedInputFile(jpeg(), "p.jpg")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message caption is too long"):
        await bot.send_photo(scene.group, photo, caption="c" * 1025)
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag"):
        await bot.send_message(scene.group, "a <div>b</div>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            scene.group,
            "x",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="b", callback_data="d" * 65)]]
            ),
        )


async def test_reply_keyboard_with_location_request(server: LocalBotApi, bot: Bot, scene) -> None:
    server.open_private_chat(scene.alice)
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Send location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    sent = await bot.send_message(scene.alice, "Where is it?", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    current = server.reply_keyboard(scene.alice)
    assert current is not None
    assert current["keyboard"][0][0] == {"text": "Send location", "request_location": True}
    await server.post_location(scene.alice, scene.alice, 39.9, 116.4, horizontal_accuracy=12.5)
    [update] = await bot.get_updates()
    assert update.message.location.latitude == 39.9
    assert update.message.location.horizontal_accuracy == 12.5


async def test_delete_message(server: LocalBotApi, bot: Bot, scene) -> None:
    sent = await bot.send_message(scene.group, "temporary")
    assert await bot.delete_message(scene.group, sent.message_id)
    assert server.bot_messages(scene.group) == []
    assert server.bot_messages(scene.group, include_deleted=True)[0].deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(scene.group, sent.message_id)
    theirs = await server.post_text(scene.group, scene.alice, "spam")
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await bot.delete_message(scene.group, theirs.message_id)
    server.set_bot_status(scene.group, "administrator")
    assert await bot.delete_message(scene.group, theirs.message_id)


async def test_wait_for_bot_message_after_a_mark(server: LocalBotApi, bot: Bot, scene) -> None:
    await bot.send_message(scene.group, "old news")
    mark = server.mark()
    with pytest.raises(TimeoutError, match="old news"):
        await server.wait_for_bot_message(scene.group, after=mark, within=0.2)
    await bot.send_message(scene.group, "fresh")
    message = await server.wait_for_bot_message(scene.group, after=mark, within=1)
    assert message.text == "fresh"
