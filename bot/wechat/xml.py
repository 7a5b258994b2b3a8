"""The XML a service account is pushed, and the XML it answers with.

Pushes are flat: ``<xml><ToUserName>…</ToUserName>…</xml>``. `parse_push` reads one into a
typed push; anything hostile (a DTD, entities, a body over `MAX_BODY`, broken XML, missing
fields, numbers that are not numbers) raises `BadXml`, never anything else. `render` writes
the same flat shape (the local server's pushes and the passive replies).

Field names follow 接收普通消息 and 接收事件推送 (developers.weixin.qq.com/doc/service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .crypto import EncryptedReply

# Real pushes are well under 4 KiB; anything near this is not WeChat.
MAX_BODY = 64 * 1024
MAX_FIELDS = 64


class BadXml(ValueError):
    """A body that is not a push we can read; answered with 400 and a log line."""


@dataclass(frozen=True)
class Push:
    to_user: str
    from_user: str
    create_time: int
    msg_type: str

    @property
    def dedup_key(self) -> str:
        """What tells a retry from a new push: the MsgId, else sender + CreateTime + event
        (the docs recommend FromUserName + CreateTime for events)."""
        msg_id = getattr(self, "msg_id", None)
        if msg_id is not None:
            return f"msg:{msg_id}"
        event = getattr(self, "event", self.msg_type)
        return f"event:{self.from_user}:{self.create_time}:{event}"


@dataclass(frozen=True)
class TextPush(Push):
    content: str
    msg_id: int
    # Set when the text is a click on a customer-service menu (msgmenu): the item's id.
    menu_item_id: str | None = None


@dataclass(frozen=True)
class ImagePush(Push):
    pic_url: str
    media_id: str
    msg_id: int


@dataclass(frozen=True)
class LocationPush(Push):
    """A place the user picked (+ → 位置). Coordinates as WeChat gives them (GCJ-02 in
    mainland China); `label` is the place name shown to the user."""

    lat: float
    lon: float
    scale: int
    label: str
    msg_id: int


@dataclass(frozen=True)
class OtherMessage(Push):
    """A message kind the bot does not read (voice, video, link…): still a user message,
    still worth a reply saying what the bot needs."""

    msg_id: int | None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventPush(Push):
    event: str
    event_key: str = ""


@dataclass(frozen=True)
class MenuClick(EventPush):
    """A CLICK on the account's menu; `event_key` is the button's key."""


@dataclass(frozen=True)
class Subscribed(EventPush):
    """A follow; from a parameter QR code the key is ``qrscene_<scene>``."""

    ticket: str = ""


@dataclass(frozen=True)
class Unsubscribed(EventPush):
    pass


@dataclass(frozen=True)
class Scanned(EventPush):
    """A follower scanned a parameter QR code; `event_key` is the scene."""

    ticket: str = ""


@dataclass(frozen=True)
class LocationReport(EventPush):
    """The LOCATION event: where the user is, sent when they enter the chat (if they allowed
    it). Coordinates as WeChat gives them."""

    latitude: float = 0.0
    longitude: float = 0.0
    precision: float = 0.0


@dataclass(frozen=True)
class OtherEvent(EventPush):
    fields: Mapping[str, str] = field(default_factory=dict)


def _read_flat(body: bytes | str) -> dict[str, str]:
    if len(body) > MAX_BODY:
        raise BadXml(f"body of {len(body)} bytes is over {MAX_BODY}")
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError, UnicodeError) as exc:
        raise BadXml(f"not well-formed or not allowed: {exc.__class__.__name__}") from exc
    if not isinstance(root, Element) or root.tag != "xml":
        raise BadXml("the root element is not <xml>")
    children = list(root)
    if len(children) > MAX_FIELDS:
        raise BadXml("too many fields")
    fields: dict[str, str] = {}
    for child in children:
        if len(child):
            # Only ScanCodeInfo/SendPicsInfo-style events nest; keep their text flat.
            fields[child.tag] = "".join(child.itertext()).strip()
        else:
            # Kept as sent: a rider's text is theirs, spaces and all.
            fields[child.tag] = child.text or ""
    return fields


def _need(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name)
    if value is None or not value.strip():
        raise BadXml(f"missing {name}")
    return value.strip()


def _int(fields: Mapping[str, str], name: str) -> int:
    value = _need(fields, name)
    try:
        return int(value)
    except ValueError as exc:
        raise BadXml(f"{name} is not an integer") from exc


def _float(fields: Mapping[str, str], name: str) -> float:
    text = _need(fields, name)
    try:
        value = float(text)
    except ValueError as exc:
        raise BadXml(f"{name} is not a number") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise BadXml(f"{name} is not finite")
    return value


def _latlon(lat: float, lon: float, names: str) -> tuple[float, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadXml(f"{names} out of range")
    return lat, lon


def parse_push(body: bytes | str) -> Push:
    """A typed push from its XML (already decrypted in safe mode)."""
    f = _read_flat(body)
    head = dict(to_user=_need(f, "ToUserName"), from_user=_need(f, "FromUserName"),
                create_time=_int(f, "CreateTime"), msg_type=_need(f, "MsgType"))
    kind = head["msg_type"]
    if kind == "text":
        menu_id = f.get("bizmsgmenuid", "").strip() or None
        return TextPush(**head, content=f.get("Content", ""), msg_id=_int(f, "MsgId"),
                        menu_item_id=menu_id)
    if kind == "image":
        return ImagePush(**head, pic_url=f.get("PicUrl", ""), media_id=_need(f, "MediaId"),
                         msg_id=_int(f, "MsgId"))
    if kind == "location":
        lat, lon = _latlon(_float(f, "Location_X"), _float(f, "Location_Y"),
                           "Location_X/Location_Y")
        scale = int(_float(f, "Scale")) if f.get("Scale", "").strip() else 0
        return LocationPush(**head, lat=lat, lon=lon, scale=scale, label=f.get("Label", ""),
                            msg_id=_int(f, "MsgId"))
    if kind == "event":
        return _parse_event(head, f)
    msg_id = _int(f, "MsgId") if f.get("MsgId", "").strip() else None
    return OtherMessage(**head, msg_id=msg_id, fields=f)


def _parse_event(head: dict, f: Mapping[str, str]) -> EventPush:
    event = _need(f, "Event")
    key = f.get("EventKey", "")
    if event == "CLICK":
        return MenuClick(**head, event=event, event_key=key)
    if event == "subscribe":
        return Subscribed(**head, event=event, event_key=key, ticket=f.get("Ticket", ""))
    if event == "unsubscribe":
        return Unsubscribed(**head, event=event, event_key=key)
    if event == "SCAN":
        return Scanned(**head, event=event, event_key=key, ticket=f.get("Ticket", ""))
    if event == "LOCATION":
        lat, lon = _latlon(_float(f, "Latitude"), _float(f, "Longitude"), "Latitude/Longitude")
        precision = _float(f, "Precision") if f.get("Precision", "").strip() else 0.0
        return LocationReport(**head, event=event, event_key=key, latitude=lat, longitude=lon,
                              precision=precision)
    return OtherEvent(**head, event=event, event_key=key, fields=f)


@dataclass(frozen=True)
class Envelope:
    """A safe-mode body: who it is for and the ciphertext."""

    to_user: str
    encrypt: str


def parse_envelope(body: bytes | str) -> Envelope:
    f = _read_flat(body)
    return Envelope(to_user=f.get("ToUserName", ""), encrypt=_need(f, "Encrypt"))


def _cdata(value: str) -> str:
    # "]]>" cannot appear inside one CDATA section: split it across two.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render(fields: Mapping[str, str | int | float]) -> str:
    """Flat ``<xml>`` with text in CDATA and numbers bare, as WeChat writes it."""
    parts = ["<xml>"]
    for name, value in fields.items():
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not an XML field name: {name!r}")
        text = str(value) if isinstance(value, int | float) else _cdata(str(value))
        parts.append(f"<{name}>{text}</{name}>")
    parts.append("</xml>")
    return "".join(parts)


def render_envelope(to_user: str, encrypt: str) -> str:
    return render({"ToUserName": to_user, "Encrypt": encrypt})


def render_reply_envelope(reply: EncryptedReply) -> str:
    """The encrypted passive reply (Encrypt, MsgSignature, TimeStamp, Nonce)."""
    return render({"Encrypt": reply.encrypt, "MsgSignature": reply.msg_signature,
                   "TimeStamp": int(reply.timestamp), "Nonce": reply.nonce})


@dataclass(frozen=True)
class ReplyEnvelope:
    encrypt: str
    msg_signature: str
    timestamp: str
    nonce: str


def parse_reply_envelope(body: bytes | str) -> ReplyEnvelope:
    f = _read_flat(body)
    return ReplyEnvelope(_need(f, "Encrypt"), _need(f, "MsgSignature"), _need(f, "TimeStamp"),
                         _need(f, "Nonce"))


def text_reply(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive text reply (被动回复), before encryption."""
    return render({"ToUserName": to_user, "FromUserName": from_user,
                   "CreateTime": create_time, "MsgType": "text", "Content": content})


__all__ = [
    "MAX_BODY", "BadXml", "Envelope", "EventPush", "ImagePush", "LocationPush",
    "LocationReport", "MenuClick", "OtherEvent", "OtherMessage", "Push", "ReplyEnvelope",
    "Scanned", "Subscribed", "TextPush", "Unsubscribed", "parse_envelope",
    "parse_push", "parse_reply_envelope", "render", "render_envelope",
    "render_reply_envelope", "text_reply",
]
