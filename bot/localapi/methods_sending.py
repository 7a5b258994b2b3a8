"""Bot API methods that post new messages: text, photos, documents, locations, albums,
forwards and copies, plus the chat action that only shows "typing…"."""

from __future__ import annotations

import itertools
from typing import Any

from .errors import bad_request
from .files import NotAnImage
from .formatting import apply_parse_mode, utf16_len
from .markup import apply_reply_keyboard, read_reply_markup, resolve_reply
from .models import JSON, ChatRecord
from .params import Params, Upload
from .registry import Context, api_method

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})  # fmt: skip
_media_groups = itertools.count(13_000_000_000_000_000)


def formatted_text(params: Params, key: str = "text") -> tuple[str, list[JSON]]:
    raw = params.text(key) or ""
    text, entities = apply_parse_mode(raw, params.text("parse_mode"))
    explicit = params.obj("entities" if key == "text" else "caption_entities")
    if isinstance(explicit, list) and not params.text("parse_mode"):
        entities = explicit
    return text, entities


def text_content(params: Params) -> JSON:
    text, entities = formatted_text(params)
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    content: JSON = {"text": text}
    if entities:
        content["entities"] = entities
    preview = params.obj("link_preview_options")
    if isinstance(preview, dict) and preview:
        content["link_preview_options"] = preview
    return content


def caption_content(params: Params) -> JSON:
    caption, entities = formatted_text(params, "caption")
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    content: JSON = {}
    if caption:
        content["caption"] = caption
        if entities:
            content["caption_entities"] = entities
    return content


def post(ctx: Context, chat: ChatRecord, params: Params, content: JSON) -> Any:
    """The common tail of every send: reply target, flood limits, keyboard, record."""
    world = ctx.world
    reply_to = resolve_reply(world, chat, params)
    markup = read_reply_markup(params)
    ctx.flood.admit(chat.id, chat.is_group)
    kept = apply_reply_keyboard(chat, markup)
    if kept is not None:
        content["reply_markup"] = kept
    if params.flag("protect_content"):
        content["has_protected_content"] = True
    message = world.add_message(chat, world.bot, content, reply_to)
    world.record_bot_action("send", message)
    return message.snapshot()


def photo_sizes(ctx: Context, source: Upload | str | None) -> list[JSON]:
    files = ctx.world.files
    if source is None:
        raise bad_request("there is no photo in the request")
    if isinstance(source, Upload):
        try:
            return files.store_photo(source.data, strict=True)
        except NotAnImage:
            raise bad_request("IMAGE_PROCESS_FAILED") from None
    sizes = files.photo_sizes(source)
    if sizes is None:
        stored = files.get(source)
        if stored is not None:
            raise bad_request(f"can't use file of type {stored.kind.title()} as Photo")
        raise bad_request("wrong file identifier/HTTP URL specified")
    return sizes


def document_json(ctx: Context, source: Upload | str | None) -> JSON:
    files = ctx.world.files
    if source is None:
        raise bad_request("there is no document in the request")
    if isinstance(source, Upload):
        # Clients label most parts octet-stream; Telegram judges by the name instead.
        declared = source.content_type
        mime = None if declared in (None, "application/octet-stream") else declared
        return files.store_document(source.data, source.filename, mime)
    stored = files.get(source)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != "document":
        raise bad_request(f"can't use file of type {stored.kind.title()} as Document")
    return {
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
    }


@api_method("sendMessage")
async def send_message(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    return post(ctx, chat, params, text_content(params))


@api_method("sendPhoto")
async def send_photo(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    content = caption_content(params)
    content["photo"] = photo_sizes(ctx, params.file("photo"))
    return post(ctx, chat, params, content)


@api_method("sendDocument")
async def send_document(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    content = caption_content(params)
    content["document"] = document_json(ctx, params.file("document"))
    return post(ctx, chat, params, content)


@api_method("sendLocation")
async def send_location(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    location: JSON = {
        "latitude": params.number("latitude"),
        "longitude": params.number("longitude"),
    }
    if location["latitude"] is None or location["longitude"] is None:
        raise bad_request("wrong latitude/longitude specified")
    for key in ("horizontal_accuracy", "live_period", "heading", "proximity_alert_radius"):
        if params.has(key):
            location[key] = params.number(key)
    return post(ctx, chat, params, {"location": location})


@api_method("sendMediaGroup")
async def send_media_group(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    media = params.obj("media", "can't parse media JSON object")
    if not isinstance(media, list) or not 2 <= len(media) <= 10:
        raise bad_request("media must include 2-10 items")
    contents = []
    for item in media:
        item_params = Params({**{k: params.raw(k) for k in _attachments(item)}, **item})
        content = caption_content(item_params)
        source = item_params.file("media")
        if item.get("type") == "photo":
            content["photo"] = photo_sizes(ctx, source)
        elif item.get("type") == "document":
            content["document"] = document_json(ctx, source)
        else:
            raise bad_request("wrong type of the media specified")
        contents.append(content)
    reply_to = resolve_reply(ctx.world, chat, params)
    # Telegram paces an album as one send.
    ctx.flood.admit(chat.id, chat.is_group)
    group_id = str(next(_media_groups))
    sent = []
    for content in contents:
        content["media_group_id"] = group_id
        message = ctx.world.add_message(chat, ctx.world.bot, content, reply_to)
        ctx.world.record_bot_action("send", message)
        sent.append(message.snapshot())
    return sent


def _attachments(item: JSON) -> list[str]:
    media = item.get("media")
    if isinstance(media, str) and media.startswith("attach://"):
        return [media.removeprefix("attach://")]
    return []


@api_method("forwardMessage")
async def forward_message(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    source_chat = ctx.world.find_chat(params.chat_id("from_chat_id"))
    original = ctx.world.find_message(source_chat.id, params.required_integer("message_id"))
    if original is None:
        raise bad_request("message to forward not found")
    content = {k: v for k, v in original.snapshot().items() if k in _COPYABLE}
    sender = original.payload.get("from") or {}
    origin_date = original.payload["date"]
    if sender:
        content["forward_origin"] = {"type": "user", "date": origin_date, "sender_user": sender}
        content["forward_from"] = sender
    content["forward_date"] = origin_date
    return post(ctx, chat, Params({}), content)


_COPYABLE = ("text", "entities", "caption", "caption_entities", "photo", "document", "location",
             "venue")  # fmt: skip


@api_method("copyMessage")
async def copy_message(ctx: Context, params: Params) -> Any:
    chat = ctx.writable_chat(params.chat_id())
    source_chat = ctx.world.find_chat(params.chat_id("from_chat_id"))
    original = ctx.world.find_message(source_chat.id, params.required_integer("message_id"))
    if original is None:
        raise bad_request("message to copy not found")
    content = {k: v for k, v in original.snapshot().items() if k in _COPYABLE}
    if params.has("caption") and ("photo" in content or "document" in content):
        content.pop("caption_entities", None)
        content.update(caption_content(params))
    message = post(ctx, chat, params, content)
    return {"message_id": message["message_id"]}


@api_method("sendChatAction")
async def send_chat_action(ctx: Context, params: Params) -> Any:
    ctx.writable_chat(params.chat_id())
    if params.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
