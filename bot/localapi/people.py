"""What people do in chats, turned into messages and updates exactly as Telegram would.

Used by the client API (Python and HTTP). Misuse by the caller (unknown user, missing message)
raises `ValueError` with a plain explanation rather than a Bot API error.
"""

from __future__ import annotations

import itertools
from typing import Any

from .formatting import detect_user_entities
from .models import JSON, MEMBER_STATUSES, PRESENT_STATUSES, ChatRecord, Person, StoredMessage
from .state import World

_media_groups = itertools.count(14_000_000_000_000_000)


def person(world: World, user_id: int) -> Person:
    found = world.users.get(user_id)
    if found is None:
        raise ValueError(f"user {user_id} is not registered; call register_user first")
    return found


def checked_status(status: str) -> str:
    if status not in MEMBER_STATUSES:
        raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
    return status


def set_status(world: World, chat_id: int, user_id: int, status: str) -> None:
    chat = world.chats.get(chat_id)
    if chat is None:
        raise ValueError(f"chat {chat_id} does not exist; create it first")
    chat.members[user_id] = checked_status(status)
    world.feed.notify()


def chat_for(world: World, chat_id: int, user: Person) -> ChatRecord:
    if chat_id == user.id:
        return world.private_chat(user)
    chat = world.chats.get(chat_id)
    if chat is None:
        raise ValueError(f"chat {chat_id} does not exist; create it first")
    if chat.type == "private":
        raise ValueError(f"chat {chat_id} is {chat.first_name}'s private chat with the bot")
    if chat.members.get(user.id) not in PRESENT_STATUSES:
        # People who post are members; joining silently keeps test setups short.
        chat.members[user.id] = "member"
    return chat


def post(
    world: World,
    chat_id: int,
    user_id: int,
    content: JSON,
    reply_to_message_id: int | None = None,
) -> StoredMessage:
    user = person(world, user_id)
    chat = chat_for(world, chat_id, user)
    reply_to = None
    if reply_to_message_id is not None:
        reply_to = world.find_message(chat.id, reply_to_message_id)
        if reply_to is None:
            raise ValueError(f"message {reply_to_message_id} not found in chat {chat.id}")
    message = world.add_message(chat, user, content, reply_to)
    world.deliver_message(message)
    return message


def text_content(text: str) -> JSON:
    if not text:
        raise ValueError("text must not be empty")
    content: JSON = {"text": text}
    entities = detect_user_entities(text)
    if entities:
        content["entities"] = entities
    return content


def caption_content(caption: str | None) -> JSON:
    if not caption:
        return {}
    content: JSON = {"caption": caption}
    entities = detect_user_entities(caption)
    if entities:
        content["caption_entities"] = entities
    return content


def photo_content(world: World, data: bytes, caption: str | None = None) -> JSON:
    return {"photo": world.files.store_photo(data, strict=False), **caption_content(caption)}


def document_content(
    world: World, data: bytes, file_name: str, mime_type: str | None, caption: str | None
) -> JSON:
    document = world.files.store_document(data, file_name, mime_type)
    return {"document": document, **caption_content(caption)}


def location_json(
    latitude: float,
    longitude: float,
    horizontal_accuracy: float | None = None,
    live_period: int | None = None,
) -> JSON:
    location: JSON = {"latitude": latitude, "longitude": longitude}
    if horizontal_accuracy is not None:
        location["horizontal_accuracy"] = horizontal_accuracy
    if live_period is not None:
        location["live_period"] = live_period
    return location


def album(
    world: World, chat_id: int, user_id: int, photos: list[bytes], caption: str | None
) -> list[StoredMessage]:
    if not 2 <= len(photos) <= 10:
        raise ValueError("an album has 2 to 10 photos")
    group_id = str(next(_media_groups))
    return [
        post(
            world,
            chat_id,
            user_id,
            {
                **photo_content(world, data, caption if index == 0 else None),
                "media_group_id": group_id,
            },
        )
        for index, data in enumerate(photos)
    ]


def forward_content(
    world: World,
    *,
    date: int | None,
    from_user_id: int | None,
    hidden_user_name: str | None,
    from_chat_id: int | None,
) -> JSON:
    """The forward fields: `forward_origin` plus the older `forward_*` fields still sent."""
    when = date if date is not None else world.now()
    if from_user_id is not None:
        sender = person(world, from_user_id).to_json()
        return {
            "forward_origin": {"type": "user", "date": when, "sender_user": sender},
            "forward_from": sender,
            "forward_date": when,
        }
    if hidden_user_name is not None:
        return {
            "forward_origin": {"type": "hidden_user", "date": when,
                               "sender_user_name": hidden_user_name},
            "forward_sender_name": hidden_user_name,
            "forward_date": when,
        }  # fmt: skip
    if from_chat_id is not None:
        chat = world.chats.get(from_chat_id)
        if chat is None:
            raise ValueError(f"chat {from_chat_id} does not exist")
        return {
            "forward_origin": {"type": "chat", "date": when, "sender_chat": chat.to_json()},
            "forward_from_chat": chat.to_json(),
            "forward_date": when,
        }
    raise ValueError("say who the forwarded message is from")


def own_message(world: World, chat_id: int, message_id: int) -> StoredMessage:
    message = world.find_message(chat_id, message_id)
    if message is None:
        raise ValueError(f"message {message_id} not found in chat {chat_id}")
    if message.from_bot:
        raise ValueError("people cannot edit the bot's messages")
    return message


def edit(world: World, chat_id: int, message_id: int, changes: JSON) -> StoredMessage:
    message = own_message(world, chat_id, message_id)
    world.edit_message(message, changes, mark_edited=True)
    world.deliver_message(message, edited=True)
    return message


def move_live_location(
    world: World, chat_id: int, message_id: int, location: JSON
) -> StoredMessage:
    message = own_message(world, chat_id, message_id)
    current = message.payload.get("location")
    if not current or "live_period" not in current:
        raise ValueError("that message is not a live location")
    if world.now() > message.payload["date"] + current["live_period"]:
        raise ValueError("the live location has expired")
    return edit(world, chat_id, message_id, {"location": {**current, **location}})


def press_inline_button(
    world: World,
    chat_id: int,
    message_id: int,
    user_id: int,
    *,
    text: str | None = None,
    data: str | None = None,
) -> JSON:
    user = person(world, user_id)
    message = world.find_message(chat_id, message_id)
    if message is None:
        raise ValueError(f"message {message_id} not found in chat {chat_id}")
    if text is not None:
        data = _button_data(message, text)
    elif data is None:
        raise ValueError("press a button by its text or give raw callback data")
    return world.new_callback(message, user, data)


def _button_data(message: StoredMessage, text: str) -> Any:
    buttons = [button for row in message.inline_keyboard for button in row]
    for button in buttons:
        if button.get("text") == text:
            if "callback_data" not in button:
                raise ValueError(f"button {text!r} does not send callback data")
            return button["callback_data"]
    labels = [button.get("text") for button in buttons]
    raise ValueError(f"no button {text!r} on message {message.message_id}; buttons: {labels}")


def press_reply_button(
    world: World,
    chat_id: int,
    user_id: int,
    text: str,
    location: JSON | None = None,
) -> StoredMessage:
    """What the app sends for a reply-keyboard button: its text, or the location it asks for."""
    chat = world.chats.get(chat_id)
    keyboard = chat.reply_keyboard if chat is not None else None
    if keyboard is None:
        raise ValueError(f"chat {chat_id} shows no reply keyboard")
    buttons = [button for row in keyboard["keyboard"] for button in row]
    button = next((b for b in buttons if b.get("text") == text), None)
    if button is None:
        labels = [b.get("text") for b in buttons]
        raise ValueError(f"no reply button {text!r}; buttons: {labels}")
    if button.get("request_location") and location is None:
        raise ValueError(f"button {text!r} shares a location; give latitude and longitude")
    if keyboard.get("one_time_keyboard"):
        chat.reply_keyboard = None
    if button.get("request_location"):
        return post(world, chat_id, user_id, {"location": location})
    return post(world, chat_id, user_id, text_content(text))
