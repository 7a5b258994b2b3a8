"""Stored WeChat pushes → platform-neutral events (the only translation in that direction).

A follower's one-to-one chat with the account is a private chat whose address is the
follower's (`wechat:<openid>`). Positions are turned from GCJ-02 into WGS-84 here, once; a
location's Label (the place name the follower picked) becomes the report's address text. A
photo sent alone carries the position of a LOCATION event from within the pairing window
(found when the push was stored). Typed commands ("/ack 42") become commands; "ack 42" and
"受理 42" stay text, which the core reads as typed words. A click on the account's menu runs
the command its button stands for; events that ask nothing of the bot decode to None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from domain.identity import WECHAT, address
from messaging.inbound import Chat, Command, Event, Message, Person, PhotoFile, Position, Venue

from .datum import wechat_to_wgs84
from .xml import (
    ImagePush,
    LocationPush,
    LocationReport,
    MenuClick,
    OtherEvent,
    OtherMessage,
    Push,
    Scanned,
    Subscribed,
    TextPush,
    Unsubscribed,
)

KINDS: Mapping[str, type[Push]] = {cls.__name__: cls for cls in (
    TextPush, ImagePush, LocationPush, OtherMessage, MenuClick, Subscribed, Unsubscribed,
    Scanned, LocationReport, OtherEvent)}

# What WeChat calls the message kinds the bot cannot use, for the reply that says so.
_UNSUPPORTED = {"voice": "voice", "video": "video", "shortvideo": "video", "link": "link",
                "file": "document"}


def push_of(payload: Mapping[str, Any]) -> Push:
    return KINDS[payload["kind"]](**payload["push"])


def file_ref(media_id: str) -> str:
    """How the core names a WeChat media file (downloaded through this adapter)."""
    return address(WECHAT, media_id)


def to_event(update_id: int, payload: Mapping[str, Any], *,
             name_of: Callable[[str], str],
             commands: Mapping[str, str]) -> Event | None:
    """The neutral event of a stored push. `name_of(address)`: what to call the person;
    `commands`: the command each menu key stands for."""
    push = push_of(payload)
    who = address(WECHAT, push.from_user)
    sender = Person(id=who, first_name=name_of(who))
    chat = Chat(id=who, kind="private")
    date = datetime.fromtimestamp(push.create_time, UTC)
    base: dict[str, Any] = {"update_id": update_id, "chat": chat, "sender": sender,
                            "date": date}
    if isinstance(push, TextPush):
        text = push.content.strip()
        return Message(**base, message_id=str(push.msg_id), text=text, command=_command(text))
    if isinstance(push, ImagePush):
        photo = PhotoFile(file_id=file_ref(push.media_id), file_unique_id=push.media_id)
        position = payload.get("position")
        location = None
        if position:
            location = Position(float(position["lat"]), float(position["lon"]),
                                position.get("precision_m"))
        return Message(**base, message_id=str(push.msg_id), photo=photo, location=location)
    if isinstance(push, LocationPush):
        lat, lon = wechat_to_wgs84(push.lat, push.lon)
        label = push.label.strip()
        return Message(**base, message_id=str(push.msg_id), location=Position(lat, lon),
                       venue=Venue(label, label) if label else None)
    if isinstance(push, OtherMessage):
        return Message(**base, message_id=str(push.msg_id or f"{push.msg_type}:"
                                                   f"{push.create_time}"),
                       unsupported=_UNSUPPORTED.get(push.msg_type, push.msg_type))
    if isinstance(push, MenuClick):
        command = commands.get(push.event_key, "")
        if not command:
            return None
        return Message(**base, message_id=f"click:{push.create_time}",
                       text="/" + command, command=Command(command))
    if isinstance(push, Subscribed):
        # A new follower is greeted as /start greets anyone opening a chat with the bot.
        return Message(**base, message_id=f"subscribe:{push.create_time}", text="/start",
                       command=Command("start"))
    # LOCATION reports are kept for pairing when stored; scans, unfollows and other events
    # ask nothing of the bot.
    return None


def _command(text: str) -> Command | None:
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name = head.lower()
    if not name or not name.replace("_", "").isalnum():
        return None
    return Command(name=name, args=args.strip(), addressed=True)
