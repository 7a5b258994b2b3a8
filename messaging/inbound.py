"""Platform-neutral inbound events: what a person did in a chat.

A transport (Telegram today, a WeChat-style platform later) turns its updates into these; the
handlers never see a platform type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

ChatKind = Literal["private", "group", "supergroup", "channel"]


@dataclass(frozen=True)
class Person:
    # An address (domain.identity): the platform and the person's id there.
    id: str
    first_name: str
    last_name: str = ""
    username: str = ""
    language: str = ""
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class Chat:
    # An address (domain.identity); a private chat's is its person's.
    id: str
    kind: ChatKind
    title: str = ""

    @property
    def is_private(self) -> bool:
        return self.kind == "private"


@dataclass(frozen=True)
class PhotoFile:
    file_id: str
    file_unique_id: str
    width: int = 0
    height: int = 0
    size: int | None = None


@dataclass(frozen=True)
class DocumentFile:
    file_id: str
    file_unique_id: str
    file_name: str = ""
    mime_type: str = ""
    size: int | None = None


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    accuracy_m: float | None = None
    live_period: int | None = None


@dataclass(frozen=True)
class Venue:
    title: str
    address: str


@dataclass(frozen=True)
class ForwardInfo:
    kind: Literal["user", "hidden_user", "chat", "channel"]
    name: str
    user_id: str | None = None


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""
    # Written as /cmd@thisbot: certainly meant for us, even in a group full of bots.
    addressed: bool = False


@dataclass(frozen=True)
class Message:
    update_id: int
    chat: Chat
    sender: Person
    message_id: str
    date: datetime
    text: str = ""
    photo: PhotoFile | None = None
    document: DocumentFile | None = None
    location: Position | None = None
    venue: Venue | None = None
    reply_to: Message | None = None
    forward: ForwardInfo | None = None
    media_group_id: str | None = None
    command: Command | None = None
    edited: bool = False
    from_bot: bool = False
    # Something the bot cannot use (a sticker, a voice note…): named for the reply.
    unsupported: str = ""

    @property
    def has_content(self) -> bool:
        return bool(self.text or self.photo or self.document or self.location)


@dataclass(frozen=True)
class ButtonPress:
    update_id: int
    callback_id: str
    chat: Chat
    message_id: str | None
    sender: Person
    data: str


@dataclass(frozen=True)
class Internal:
    """Something the bot itself noticed later (a file finished downloading…), queued through
    the inbox so it is handled in order with the chat's messages, exactly once."""

    update_id: int
    kind: str
    chat: Chat
    sender: Person
    data: dict[str, object]


Event = Message | ButtonPress | Internal


def sent_before(first: str, second: str) -> bool:
    """Whether message `first` came before `second` in the same chat.

    Platforms that number a chat's messages (Telegram) give digits, compared as numbers;
    other ids are compared as text, the best order they offer.
    """
    if first.isdigit() and second.isdigit():
        return (len(first.lstrip("0")), first.lstrip("0")) < (len(second.lstrip("0")),
                                                                second.lstrip("0"))
    return first < second
