"""Bot API methods that change or remove messages the bot already sent."""

from __future__ import annotations

from typing import Any

from .errors import NOT_MODIFIED, bad_request
from .formatting import utf16_len
from .markup import read_reply_markup
from .methods_sending import MAX_CAPTION, formatted_text, text_content
from .models import JSON, StoredMessage
from .params import Params
from .registry import Context, api_method


def _target(ctx: Context, params: Params) -> StoredMessage:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = ctx.world.find_chat(params.chat_id())
    message_id = params.integer("message_id")
    message = ctx.world.find_message(chat.id, message_id) if message_id is not None else None
    if message is None:
        raise bad_request("message to edit not found")
    if message.sender_id != ctx.world.bot.id:
        raise bad_request("message can't be edited")
    return message


def _apply(
    ctx: Context, message: StoredMessage, changes: JSON, action: str, mark_edited: bool
) -> Any:
    if all(message.payload.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    chat = ctx.world.chats[message.chat_id]
    ctx.flood.admit(chat.id, chat.is_group)
    ctx.world.edit_message(message, changes, mark_edited=mark_edited)
    ctx.world.record_bot_action(action, message)
    return message.snapshot()


@api_method("editMessageText")
async def edit_message_text(ctx: Context, params: Params) -> Any:
    message = _target(ctx, params)
    content = text_content(params)
    if "text" not in message.payload:
        raise bad_request("there is no text in the message to edit")
    # Like Telegram, an edit without reply_markup removes the inline keyboard.
    changes: JSON = {
        "text": content["text"],
        "entities": content.get("entities"),
        "link_preview_options": content.get("link_preview_options"),
        "reply_markup": read_reply_markup(params, inline_only=True),
    }
    return _apply(ctx, message, changes, "edit_text", mark_edited=True)


@api_method("editMessageCaption")
async def edit_message_caption(ctx: Context, params: Params) -> Any:
    message = _target(ctx, params)
    if not any(key in message.payload for key in ("photo", "document")):
        raise bad_request("there is no caption in the message to edit")
    caption, entities = formatted_text(params, "caption")
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    changes: JSON = {
        "caption": caption or None,
        "caption_entities": entities or None,
        "reply_markup": read_reply_markup(params, inline_only=True),
    }
    return _apply(ctx, message, changes, "edit_caption", mark_edited=True)


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: Context, params: Params) -> Any:
    message = _target(ctx, params)
    changes = {"reply_markup": read_reply_markup(params, inline_only=True)}
    return _apply(ctx, message, changes, "edit_reply_markup", mark_edited=False)


@api_method("deleteMessage")
async def delete_message(ctx: Context, params: Params) -> Any:
    world = ctx.world
    chat = world.find_chat(params.chat_id())
    message = world.find_message(chat.id, params.required_integer("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    bot_is_admin = chat.members.get(world.bot.id) in ("administrator", "creator")
    if message.sender_id != world.bot.id and chat.is_group and not bot_is_admin:
        raise bad_request("message can't be deleted")
    world.delete_message(message)
    world.record_bot_action("delete", message)
    return True
