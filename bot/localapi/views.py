"""Simple JSON views of chat messages for the sandbox page and the client HTTP API.

Shape of a message view (keys with nothing to say are left out, except the first six):

    {"chat_id": -1001, "message_id": 7, "from": {"id": 42, "name": "Ann Lee",
     "username": "ann", "is_bot": false}, "date": 1767585600, "deleted": false,
     "kind": "text" | "photo" | "document" | "location" | "venue" | "service",
     "text": "...", "caption": "...", "edit_date": 1767585660,
     "photo": {"file_id": "...", "url": "/_client/files/<file_id>", "width": 1280, "height": 960},
     "document": {"file_id": "...", "url": "...", "file_name": "a.jpg", "mime_type": "image/jpeg"},
     "location": {"latitude": 39.9, "longitude": 116.4, "horizontal_accuracy": 10,
                  "live_period": 900},
     "venue": {"title": "...", "address": "..."},
     "media_group_id": "...", "reply_to_message_id": 5,
     "forward_origin": {"type": "user", "name": "..."},
     "inline_keyboard": [[{"text": "Ack", "callback_data": "ack:12"}]],
     "telegram": {<the Bot API Message object as the bot sees it>}}
"""

from __future__ import annotations

from .models import JSON, StoredMessage

FILE_URL_PREFIX = "/_client/files/"


def file_url(file_id: str) -> str:
    return f"{FILE_URL_PREFIX}{file_id}"


def message_view(message: StoredMessage) -> JSON:
    payload = message.payload
    sender = payload.get("from") or {}
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part)
    view: JSON = {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "from": {
            "id": sender.get("id"),
            "name": name,
            "username": sender.get("username"),
            "is_bot": bool(sender.get("is_bot")),
        },
        "date": payload.get("date"),
        "deleted": message.deleted,
        "kind": message.kind,
    }
    for key in ("text", "caption", "edit_date", "media_group_id"):
        if key in payload:
            view[key] = payload[key]
    if payload.get("photo"):
        largest = payload["photo"][-1]
        view["photo"] = {
            "file_id": largest["file_id"],
            "url": file_url(largest["file_id"]),
            "width": largest.get("width"),
            "height": largest.get("height"),
        }
    if payload.get("document"):
        document = payload["document"]
        view["document"] = {
            "file_id": document["file_id"],
            "url": file_url(document["file_id"]),
            "file_name": document.get("file_name"),
            "mime_type": document.get("mime_type"),
        }
    location = (payload.get("venue") or {}).get("location") or payload.get("location")
    if location:
        view["location"] = dict(location)
    if payload.get("venue"):
        view["venue"] = {"title": payload["venue"]["title"], "address": payload["venue"]["address"]}
    if message.reply_to_message_id is not None:
        view["reply_to_message_id"] = message.reply_to_message_id
    origin = payload.get("forward_origin")
    if origin:
        view["forward_origin"] = {"type": origin["type"], "name": _origin_name(origin)}
    if message.inline_keyboard:
        view["inline_keyboard"] = message.inline_keyboard
    view["telegram"] = message.snapshot()
    return view


def _origin_name(origin: JSON) -> str:
    if origin["type"] == "user":
        user = origin["sender_user"]
        return " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
    if origin["type"] == "hidden_user":
        return origin["sender_user_name"]
    chat = origin.get("sender_chat") or origin.get("chat") or {}
    return chat.get("title") or chat.get("first_name") or ""
