"""The JSON frames of the WeCom smart bot's long connection (智能机器人长连接), both ways.

Every frame is one JSON object: `cmd` (absent on answers), `headers.req_id`, `body`, and on
answers `errcode`/`errmsg`. The bot sends `aibot_subscribe`, `ping`, `aibot_respond_msg`,
`aibot_respond_update_msg` and `aibot_send_msg`; WeCom pushes `aibot_msg_callback` and
`aibot_event_callback`, and answers each bot request with a frame that repeats its req_id.
Callbacks themselves are never answered: the protocol has no acknowledgement for them.

Decoding never raises on what the other side sends: a frame that is not JSON, not an object, or
of a kind we do not know becomes `Malformed` or `Unknown`, which the client logs and skips.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

SUBSCRIBE = "aibot_subscribe"
PING = "ping"
MSG_CALLBACK = "aibot_msg_callback"
EVENT_CALLBACK = "aibot_event_callback"
RESPOND = "aibot_respond_msg"
RESPOND_WELCOME = "aibot_respond_welcome_msg"
RESPOND_UPDATE = "aibot_respond_update_msg"
SEND = "aibot_send_msg"
# Temporary media (an image to send) goes up over the same connection in three steps: init
# (type, filename, total_size, total_chunks, md5) → upload_id; chunks (upload_id,
# chunk_index from 0, base64_data, ≤ 512 KiB each, ≤ 100 of them); finish (upload_id) →
# media_id, which an aibot_send_msg of msgtype image then names (official SDKs' protocol
# tables; docs/platforms/wecom.md).
UPLOAD_INIT = "aibot_upload_media_init"
UPLOAD_CHUNK = "aibot_upload_media_chunk"
UPLOAD_FINISH = "aibot_upload_media_finish"
UPLOAD_CHUNK_BYTES = 512 * 1024
UPLOAD_MAX_CHUNKS = 100

BOT_COMMANDS = frozenset({SUBSCRIBE, PING, RESPOND, RESPOND_WELCOME, RESPOND_UPDATE, SEND,
                          UPLOAD_INIT, UPLOAD_CHUNK, UPLOAD_FINISH})

# Event types (event.eventtype) of aibot_event_callback.
ENTER_CHAT = "enter_chat"
TEMPLATE_CARD_EVENT = "template_card_event"
FEEDBACK_EVENT = "feedback_event"
DISCONNECTED_EVENT = "disconnected_event"

JSON = dict[str, Any]


def new_req_id(prefix: str) -> str:
    """A request id as the official SDKs make them: the command, a dash, random hex."""
    return f"{prefix}-{secrets.token_hex(8)}"


# ---------------------------------------------------------------- decoded frames


@dataclass(frozen=True)
class ImageRef:
    """An image in a message: its download URL (valid ~5 min) and, on the real service, the
    per-message AES key it is encrypted with (absent when the server sends it in the clear)."""

    url: str
    aeskey: str | None = None


@dataclass(frozen=True)
class MessageCallback:
    """A user's message to the bot: in a group only messages that @mention it arrive."""

    req_id: str
    msgid: str
    chatid: str
    chattype: str
    userid: str
    msgtype: str
    text: str
    images: tuple[ImageRef, ...] = ()
    aibotid: str = ""
    create_time: int | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_group(self) -> bool:
        return self.chattype == "group"

    @property
    def conversation(self) -> str:
        """Where to answer with an active send: the group's chatid, or in a one-to-one chat
        (which carries no chatid) the user's userid."""
        return self.chatid or self.userid


@dataclass(frozen=True)
class CardEvent:
    """A button pressed on a template card the bot sent."""

    req_id: str
    msgid: str
    chatid: str
    chattype: str
    userid: str
    task_id: str
    event_key: str
    card_type: str = ""
    create_time: int | None = None
    raw: JSON = field(default_factory=dict, compare=False, repr=False)

    @property
    def conversation(self) -> str:
        return self.chatid or self.userid


@dataclass(frozen=True)
class OtherEvent:
    """An event we do not act on (enter_chat, feedback_event, future kinds)."""

    req_id: str
    msgid: str
    eventtype: str
    chatid: str
    userid: str
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Kicked:
    """disconnected_event: a newer connection with the same bot id took over this one."""

    req_id: str
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Answer:
    """WeCom's answer to one of our requests (subscribe, ping, respond, send)."""

    req_id: str
    errcode: int
    errmsg: str
    body: Any = None

    @property
    def ok(self) -> bool:
        return self.errcode == 0


@dataclass(frozen=True)
class Request:
    """A frame the bot sends (seen from the server's side)."""

    cmd: str
    req_id: str
    body: Any


@dataclass(frozen=True)
class Unknown:
    """A well-formed frame of a kind we do not know."""

    cmd: str
    req_id: str
    raw: JSON = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Malformed:
    """Bytes that are not a frame at all; `reason` says why, for the log."""

    reason: str
    text: str = ""


Callback = MessageCallback | CardEvent | OtherEvent
Decoded = MessageCallback | CardEvent | OtherEvent | Kicked | Answer | Request | Unknown | Malformed


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _obj(value: Any) -> JSON:
    return value if isinstance(value, dict) else {}


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _image(value: Any) -> ImageRef | None:
    image = _obj(value)
    url = _str(image.get("url"))
    if not url:
        return None
    key = image.get("aeskey")
    return ImageRef(url, key if isinstance(key, str) and key else None)


def _message(req_id: str, body: JSON) -> MessageCallback:
    msgtype = _str(body.get("msgtype"))
    texts: list[str] = []
    images: list[ImageRef] = []
    if msgtype == "text":
        texts.append(_str(_obj(body.get("text")).get("content")))
    elif msgtype == "image":
        image = _image(body.get("image"))
        if image:
            images.append(image)
    elif msgtype == "mixed":
        items = _obj(body.get("mixed")).get("msg_item")
        for item in items if isinstance(items, list) else []:
            item = _obj(item)
            kind = _str(item.get("msgtype"))
            if kind == "text":
                texts.append(_str(_obj(item.get("text")).get("content")))
            elif kind == "image":
                image = _image(item.get("image"))
                if image:
                    images.append(image)
    elif msgtype == "voice":
        # Voice arrives already transcribed.
        texts.append(_str(_obj(body.get("voice")).get("content")))
    return MessageCallback(
        req_id=req_id,
        msgid=_str(body.get("msgid")),
        chatid=_str(body.get("chatid")),
        chattype=_str(body.get("chattype")) or "single",
        userid=_str(_obj(body.get("from")).get("userid")),
        msgtype=msgtype,
        text="\n".join(t for t in texts if t),
        images=tuple(images),
        aibotid=_str(body.get("aibotid")),
        create_time=_int_or_none(body.get("create_time")),
        raw=body,
    )


def _event(req_id: str, body: JSON) -> CardEvent | OtherEvent | Kicked:
    event = _obj(body.get("event"))
    eventtype = _str(event.get("eventtype"))
    if eventtype == DISCONNECTED_EVENT:
        return Kicked(req_id, body)
    if eventtype == TEMPLATE_CARD_EVENT:
        # The documented shape nests the details under the event type's own name; one SDK reads
        # them flat from `event`. Accept both.
        detail = _obj(event.get(TEMPLATE_CARD_EVENT)) or event
        return CardEvent(
            req_id=req_id,
            msgid=_str(body.get("msgid")),
            chatid=_str(body.get("chatid")),
            chattype=_str(body.get("chattype")) or "single",
            userid=_str(_obj(body.get("from")).get("userid")),
            task_id=_str(detail.get("task_id")),
            event_key=_str(detail.get("event_key")),
            card_type=_str(detail.get("card_type")),
            create_time=_int_or_none(body.get("create_time")),
            raw=body,
        )
    return OtherEvent(
        req_id=req_id,
        msgid=_str(body.get("msgid")),
        eventtype=eventtype,
        chatid=_str(body.get("chatid")),
        userid=_str(_obj(body.get("from")).get("userid")),
        raw=body,
    )


def decode(raw: str | bytes) -> Decoded:
    """One received WebSocket text (or binary) message as a typed frame; never raises."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return Malformed("not utf-8")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return Malformed("not json", raw[:200])
    if not isinstance(data, dict):
        return Malformed("not an object", raw[:200])
    headers = _obj(data.get("headers"))
    req_id = _str(headers.get("req_id"))
    cmd = data.get("cmd")
    body = data.get("body")
    if cmd is None or cmd == "":
        errcode = _int_or_none(data.get("errcode"))
        if not req_id:
            return Malformed("answer without req_id", raw[:200])
        return Answer(req_id, 0 if errcode is None else errcode, _str(data.get("errmsg")), body)
    if not isinstance(cmd, str):
        return Malformed("cmd is not a string", raw[:200])
    if cmd == MSG_CALLBACK:
        if not isinstance(body, dict):
            return Malformed("callback without body", raw[:200])
        return _message(req_id, body)
    if cmd == EVENT_CALLBACK:
        if not isinstance(body, dict):
            return Malformed("event without body", raw[:200])
        return _event(req_id, body)
    if cmd in BOT_COMMANDS:
        return Request(cmd, req_id, body)
    return Unknown(cmd, req_id, data)


# ---------------------------------------------------------------- encoding


def encode(cmd: str | None, req_id: str, body: Any = None, **extra: Any) -> str:
    frame: JSON = {}
    if cmd:
        frame["cmd"] = cmd
    frame["headers"] = {"req_id": req_id}
    if body is not None:
        frame["body"] = body
    frame.update(extra)
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def subscribe(req_id: str, bot_id: str, secret: str) -> str:
    return encode(SUBSCRIBE, req_id, {"bot_id": bot_id, "secret": secret})


def ping(req_id: str) -> str:
    return encode(PING, req_id)


def respond(req_id: str, body: JSON) -> str:
    """A reply to a message callback: reuses the callback's req_id."""
    return encode(RESPOND, req_id, body)


def update_card(req_id: str, card: JSON, userids: list[str] | None = None) -> str:
    """Replace the card of a template_card_event; reuses the event's req_id (~5 s window)."""
    body: JSON = {"response_type": "update_template_card", "template_card": card}
    if userids:
        body["userids"] = list(userids)
    return encode(RESPOND_UPDATE, req_id, body)


def send(req_id: str, chatid: str, body: JSON) -> str:
    """An active send (主动推送) to a group chatid or a user's userid."""
    return encode(SEND, req_id, {"chatid": chatid, **body})


def upload_init(req_id: str, kind: str, filename: str, data: bytes) -> str:
    chunks = max(1, -(-len(data) // UPLOAD_CHUNK_BYTES))
    return encode(UPLOAD_INIT, req_id, {"type": kind, "filename": filename,
                                        "total_size": len(data), "total_chunks": chunks,
                                        "md5": hashlib.md5(data).hexdigest()})


def upload_chunk(req_id: str, upload_id: str, index: int, part: bytes) -> str:
    return encode(UPLOAD_CHUNK, req_id, {"upload_id": upload_id, "chunk_index": index,
                                         "base64_data": base64.b64encode(part).decode("ascii")})


def upload_finish(req_id: str, upload_id: str) -> str:
    return encode(UPLOAD_FINISH, req_id, {"upload_id": upload_id})


def image_body(media_id: str) -> JSON:
    return {"msgtype": "image", "image": {"media_id": media_id}}


def answer(req_id: str, errcode: int = 0, errmsg: str = "ok", body: Any = None) -> str:
    """The server's answer to a bot request."""
    return encode(None, req_id, body, errcode=errcode, errmsg=errmsg)


def markdown_body(content: str) -> JSON:
    return {"msgtype": "markdown", "markdown": {"content": content}}


def card_body(card: JSON) -> JSON:
    return {"msgtype": "template_card", "template_card": card}


def stream_body(stream_id: str, content: str, finish: bool = True) -> JSON:
    """A reply as a (finished) stream message: the form replies to a message take."""
    return {"msgtype": "stream", "stream": {"id": stream_id, "finish": finish,
                                            "content": content}}


# Server side (local server and tests): callbacks as WeCom pushes them.


def message_callback(req_id: str, body: JSON) -> str:
    return encode(MSG_CALLBACK, req_id, body)


def event_callback(req_id: str, body: JSON) -> str:
    return encode(EVENT_CALLBACK, req_id, body)
