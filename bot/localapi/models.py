"""The things Telegram's servers remember: people, chats and messages.

A message is kept as its Bot API JSON (`payload`) plus the little bookkeeping the server needs,
so answering the bot never involves a translation step that could drift from Telegram's shape.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

GROUP_TYPES = frozenset({"group", "supergroup"})
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


@dataclass
class Person:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class ChatRecord:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    members: dict[int, str] = field(default_factory=dict)
    message_ids: list[int] = field(default_factory=list)
    next_message_id: int = 1
    reply_keyboard: JSON | None = None
    blocked_bot: bool = False

    @property
    def is_group(self) -> bool:
        return self.type in GROUP_TYPES

    def to_json(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    def full_info(self) -> JSON:
        data = self.to_json()
        data.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if self.is_group:
            data["permissions"] = {
                "can_send_messages": True,
                "can_send_photos": True,
                "can_send_documents": True,
                "can_send_other_messages": True,
                "can_add_web_page_previews": True,
                "can_invite_users": True,
            }
        return data

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        self.message_ids.append(message_id)
        return message_id


@dataclass
class StoredMessage:
    chat_id: int
    message_id: int
    sender_id: int
    from_bot: bool
    payload: JSON
    deleted: bool = False
    changed_seq: int = 0

    @property
    def text(self) -> str | None:
        return self.payload.get("text")

    @property
    def caption(self) -> str | None:
        return self.payload.get("caption")

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        markup = self.payload.get("reply_markup") or {}
        return markup.get("inline_keyboard") or []

    @property
    def reply_to_message_id(self) -> int | None:
        replied = self.payload.get("reply_to_message")
        return replied["message_id"] if replied else None

    def as_replied(self) -> JSON:
        """The copy embedded as `reply_to_message`: Telegram never nests replies deeper."""
        snapshot = copy.deepcopy(self.payload)
        snapshot.pop("reply_to_message", None)
        return snapshot

    def snapshot(self) -> JSON:
        return copy.deepcopy(self.payload)

    @property
    def photo_file_id(self) -> str | None:
        """The largest size's file id, which is the one people mean by "the photo"."""
        sizes = self.payload.get("photo")
        return sizes[-1]["file_id"] if sizes else None

    @property
    def kind(self) -> str:
        for key in ("text", "photo", "document", "venue", "location"):
            if key in self.payload:
                return key
        return "service"


@dataclass(frozen=True)
class BotAction:
    """One thing the bot did to a chat, in the order it happened."""

    seq: int
    action: str
    chat_id: int
    message_id: int
    date: int
    text: str | None = None
    caption: str | None = None
    reply_markup: JSON | None = None
    photo_file_id: str | None = None
    document_file_id: str | None = None
    reply_to_message_id: int | None = None

    def to_json(self) -> JSON:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}
