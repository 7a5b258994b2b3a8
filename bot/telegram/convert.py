"""Telegram updates → platform-neutral events (the only translation in that direction)."""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    CallbackQuery,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
    User,
)
from aiogram.types import Chat as TgChat
from aiogram.types import Message as TgMessage

from domain.identity import TELEGRAM, address
from messaging.inbound import (
    ButtonPress,
    Chat,
    Command,
    DocumentFile,
    Event,
    ForwardInfo,
    Message,
    Person,
    PhotoFile,
    Position,
    Venue,
)

# Message content we cannot turn into a report, by the field Telegram uses for it.
_UNSUPPORTED = ("sticker", "voice", "video", "video_note", "audio", "animation", "contact",
                "poll", "dice", "game", "story")


def parse_update(raw: dict[str, Any]) -> Update:
    return Update.model_validate(raw)


def dedup_key(raw: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """A key unique per platform event, the chat it belongs to (its address) and its message
    id (as text).

    Telegram may resend an update under a new update_id after a restart on its side; the
    message identity (chat + message id, or the callback id) catches that. The keys keep the
    form they had before other platforms existed, so a resent old update is still caught.
    """
    if message := raw.get("message"):
        chat_id = message["chat"]["id"]
        return (f"m:{chat_id}:{message['message_id']}", chat_address(chat_id),
                str(message["message_id"]))
    if edited := raw.get("edited_message"):
        chat_id = edited["chat"]["id"]
        key = f"e:{chat_id}:{edited['message_id']}:{edited.get('edit_date', 0)}"
        return key, chat_address(chat_id), str(edited["message_id"])
    if callback := raw.get("callback_query"):
        chat = (callback.get("message") or {}).get("chat") or {}
        found = chat.get("id")
        return f"c:{callback['id']}", None if found is None else chat_address(found), None
    return f"u:{raw['update_id']}", None, None


def sender_address(raw: dict[str, Any]) -> str | None:
    """The address of who sent an update (a message's author, the presser of a button)."""
    for kind in ("message", "edited_message", "callback_query"):
        if body := raw.get(kind):
            sender = body.get("from") or {}
            return None if sender.get("id") is None else chat_address(sender["id"])
    return None


def chat_address(native: int) -> str:
    """The address of a Telegram chat or user id (a private chat's id is its user's)."""
    return address(TELEGRAM, native)


def to_event(update: Update, bot_id: int, bot_username: str) -> Event | None:
    """The neutral event for an update, or None for updates the bot does not act on."""
    if update.message is not None:
        return _message(update.update_id, update.message, bot_id, bot_username, edited=False)
    if update.edited_message is not None:
        return _message(update.update_id, update.edited_message, bot_id, bot_username,
                        edited=True)
    if update.callback_query is not None:
        return _press(update.update_id, update.callback_query)
    return None


def _message(update_id: int, m: TgMessage, bot_id: int, bot_username: str, *,
             edited: bool, depth: int = 0) -> Message | None:
    if m.from_user is None:
        return None  # anonymous channel posts and the like
    command = _command(m.text or m.caption or "", bot_username)
    if command is False:
        return None  # a command for another bot
    reply_to = None
    if m.reply_to_message is not None and depth == 0:
        reply_to = _message(update_id, m.reply_to_message, bot_id, bot_username,
                            edited=False, depth=1)
    location = m.location or (m.venue.location if m.venue else None)
    return Message(
        update_id=update_id,
        chat=_chat(m.chat),
        sender=_person(m.from_user),
        message_id=str(m.message_id),
        date=m.date,
        text=m.text or m.caption or "",
        photo=_largest_photo(m),
        document=_document(m),
        location=Position(location.latitude, location.longitude, location.horizontal_accuracy,
                          location.live_period) if location else None,
        venue=Venue(m.venue.title, m.venue.address) if m.venue else None,
        reply_to=reply_to,
        forward=_forward(m),
        media_group_id=m.media_group_id,
        command=command or None,
        edited=edited,
        from_bot=m.from_user.id == bot_id,
        unsupported=next((name for name in _UNSUPPORTED if getattr(m, name, None)), ""),
    )


def _press(update_id: int, q: CallbackQuery) -> ButtonPress | None:
    message = q.message
    if message is None or q.data is None:
        return None
    return ButtonPress(
        update_id=update_id,
        callback_id=q.id,
        chat=_chat(message.chat),
        message_id=str(message.message_id),
        sender=_person(q.from_user),
        data=q.data,
    )


def _command(text: str, bot_username: str) -> Command | bool | None:
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    head, _, mention = head.partition("@")
    if mention and mention.lower() != bot_username.lower():
        return False
    name = head.lower()
    if not name or not name.replace("_", "").isalnum():
        return None
    return Command(name=name, args=args.strip(), addressed=bool(mention))


def _chat(chat: TgChat) -> Chat:
    kind = chat.type if chat.type in ("private", "group", "supergroup", "channel") else "group"
    return Chat(id=chat_address(chat.id), kind=kind, title=chat.title or "")  # type: ignore[arg-type]


def _person(user: User) -> Person:
    return Person(id=chat_address(user.id), first_name=user.first_name,
                  last_name=user.last_name or "", username=user.username or "",
                  language=user.language_code or "",
                  is_bot=user.is_bot)


def _largest_photo(m: TgMessage) -> PhotoFile | None:
    if not m.photo:
        return None
    best = max(m.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
    return PhotoFile(best.file_id, best.file_unique_id, best.width, best.height, best.file_size)


def _document(m: TgMessage) -> DocumentFile | None:
    d = m.document
    if d is None:
        return None
    return DocumentFile(d.file_id, d.file_unique_id, d.file_name or "", d.mime_type or "",
                        d.file_size)


def _forward(m: TgMessage) -> ForwardInfo | None:
    origin = m.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        return ForwardInfo("user", user.full_name, chat_address(user.id))
    if isinstance(origin, MessageOriginHiddenUser):
        return ForwardInfo("hidden_user", origin.sender_user_name)
    if isinstance(origin, MessageOriginChat):
        return ForwardInfo("chat", origin.sender_chat.title or "")
    if isinstance(origin, MessageOriginChannel):
        return ForwardInfo("channel", origin.chat.title or "")
    return None
