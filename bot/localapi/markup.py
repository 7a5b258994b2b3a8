"""Keyboards and reply targets as the bot sends them, checked the way Telegram checks them."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .models import JSON, ChatRecord, StoredMessage
from .params import Params
from .state import World

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def read_reply_markup(params: Params, *, inline_only: bool = False) -> JSON | None:
    markup = params.obj("reply_markup", "can't parse reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {"inline_keyboard": _inline_rows(markup["inline_keyboard"])}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list):
            raise bad_request("can't parse reply keyboard markup JSON object")
        normalized = dict(markup)
        normalized["keyboard"] = [
            [button if isinstance(button, dict) else {"text": str(button)} for button in row]
            for row in rows
        ]
        return normalized
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(rows: Any) -> list[list[JSON]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: Text is empty")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not (1 <= len(str(data).encode("utf-8")) <= 64):
                raise bad_request("BUTTON_DATA_INVALID")
    return [[dict(button) for button in row] for row in rows]


def apply_reply_keyboard(chat: ChatRecord, markup: JSON | None) -> JSON | None:
    """Reply keyboards live on the chat, not the message; returns what the message keeps."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        return markup
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    return None


def resolve_reply(world: World, chat: ChatRecord, params: Params) -> StoredMessage | None:
    reply = params.obj("reply_parameters", "can't parse reply parameters JSON object")
    allow_missing = params.flag("allow_sending_without_reply")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
    else:
        message_id = params.integer("reply_to_message_id")
    if message_id is None:
        return None
    found = world.find_message(chat.id, int(message_id))
    if found is None and not allow_missing:
        raise bad_request("message to be replied not found")
    return found
