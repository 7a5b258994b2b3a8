"""WeCom callbacks in, both ways of the inbox: how one is stored, and how a stored one becomes a
neutral event.

Stored: the callback's frame as it came (cmd, req_id, body) and the moment it arrived on the
business clock, keyed by its msgid, so a callback WeCom repeats is stored once. The inbox wants
an integer update id; a callback has none, so it is derived from the msgid (the same msgid
gives the same id, and the range is far above Telegram's ids and below none of ours).

Decoded: a message to the bot (in a group it always @-mentions it) is a `Message` whose text
has the bot's @name taken off; `/ack 42` and the typed words of the catalogs (「受理 42」,
「待办」, "ack 42") are its command, as the bot was certainly addressed. A button pressed on one
of our cards is a `ButtonPress` on the card (its task id is the message id the card was sent
under), with the button's key as its data; the core checks forged and stale presses.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from domain.identity import WECOM, address
from handlers.staff.typed import typed_command
from messaging.inbound import ButtonPress, Chat, Command, Event, Message, Person, PhotoFile
from storage.repositories.inbox import IncomingUpdate, lane_of

from . import frames
from .cards import press_of
from .frames import Callback, CardEvent, MessageCallback
from .mentions import strip_bot_mention

PLATFORM = WECOM
# Update ids of WeCom callbacks live in [2^60, 2^61): Telegram's are far below.
_ID_BASE = 1 << 60
_ID_SPAN = 1 << 60


def update_id_of(key: str) -> int:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return _ID_BASE + int.from_bytes(digest[:8], "big") % _ID_SPAN


def dedup_key(callback: Callback) -> str:
    return f"wecom:{callback.msgid}" if callback.msgid else f"wecom:r:{callback.req_id}"


def conversation(callback: Callback) -> str | None:
    """The address of where the callback happened: the group, else the person's own chat."""
    native = (callback.chatid or callback.userid).strip()
    return address(WECOM, native) if native else None


def sender(callback: Callback) -> str | None:
    """The address of the person who wrote or pressed."""
    native = callback.userid.strip()
    return address(WECOM, native) if native else None


def incoming(callback: Callback, received: datetime) -> IncomingUpdate:
    cmd = frames.EVENT_CALLBACK if not isinstance(callback, MessageCallback) else \
        frames.MSG_CALLBACK
    key = dedup_key(callback)
    chat_id = conversation(callback)
    return IncomingUpdate(
        update_id=update_id_of(key), dedup_key=key, chat_id=chat_id,
        lane=lane_of(chat_id, sender(callback)),
        payload={"platform": PLATFORM, "cmd": cmd, "req_id": callback.req_id,
                 "body": callback.raw, "received": received.isoformat()},
        message_id=callback.msgid if isinstance(callback, MessageCallback) else None)


def stored_callback(payload: dict[str, Any]) -> frames.Decoded:
    return frames.decode(json.dumps({"cmd": payload.get("cmd"),
                                     "headers": {"req_id": payload.get("req_id", "")},
                                     "body": payload.get("body")}, ensure_ascii=False))


def image_ref(msgid: str, index: int) -> str:
    """The file reference of a message's image: the platform's address of it. The URL itself
    (long, and valid for minutes) stays in the stored callback, found again by its msgid."""
    return address(WECOM, f"img:{index}:{msgid}")


def parse_image_ref(native: str) -> tuple[int, str] | None:
    kind, _, rest = native.partition(":")
    index, _, msgid = rest.partition(":")
    if kind != "img" or not index.isdigit() or not msgid:
        return None
    return int(index), msgid


def to_event(update_id: int, payload: dict[str, Any], *, bot_names: tuple[str, ...],
             names: dict[str, str]) -> Event | None:
    """The neutral event for a stored callback, or None for events the bot does not act on."""
    decoded = stored_callback(payload)
    received = _when(payload.get("received"))
    if isinstance(decoded, MessageCallback | CardEvent) and not (
            decoded.chatid.strip() or decoded.userid.strip()):
        return None  # nobody to answer: nothing the core could do with it
    if isinstance(decoded, MessageCallback):
        return _message(update_id, decoded, received, bot_names, names)
    if isinstance(decoded, CardEvent):
        press = press_of(decoded.task_id, decoded.event_key)
        if press is None:
            return None
        return ButtonPress(update_id=update_id, callback_id=decoded.req_id,
                           chat=_chat(decoded.chatid, decoded.userid, decoded.chattype),
                           message_id=press.task_id, sender=_person(decoded.userid, names),
                           data=press.data)
    return None


def _message(update_id: int, callback: MessageCallback, received: datetime,
             bot_names: tuple[str, ...], names: dict[str, str]) -> Message:
    text = strip_bot_mention(callback.text, bot_names) if callback.is_group else \
        callback.text.strip()
    photo = None
    if callback.images:
        ref = image_ref(callback.msgid, 0)
        photo = PhotoFile(file_id=ref, file_unique_id=ref)
    unsupported = "" if (text or photo) else (callback.msgtype or "message")
    return Message(update_id=update_id, chat=_chat(callback.chatid, callback.userid,
                                                   callback.chattype),
                   sender=_person(callback.userid, names), message_id=callback.msgid,
                   date=received, text=text, photo=photo, command=command_of(text),
                   unsupported=unsupported)


def command_of(text: str) -> Command | None:
    """`/ack 42`, or a command word the catalogs know (「受理 42」, 「待办」, "ack 42")."""
    if text.startswith("/"):
        head, _, args = text[1:].partition(" ")
        name = head.partition("@")[0].lower()
        if name and name.replace("_", "").isalnum():
            return Command(name=name, args=args.strip(), addressed=True)
        return None
    return typed_command(text)


def _chat(chatid: str, userid: str, chattype: str) -> Chat:
    if chattype == "group" and chatid.strip():
        return Chat(id=address(WECOM, chatid), kind="group")
    return Chat(id=address(WECOM, chatid.strip() or userid), kind="private")


def _person(userid: str, names: dict[str, str]) -> Person:
    person = address(WECOM, userid.strip() or "unknown")
    return Person(id=person, first_name=names.get(person, userid), username=userid)


def _when(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return datetime.now(UTC)
