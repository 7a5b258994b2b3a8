"""The outbound port for WeCom: neutral messages in, smart-bot sends or group-robot posts out.

- A message with buttons becomes a template card; its task id is the message id the core
  keeps, so a press on it names the card. A card cannot carry an image, so a photo goes just
  before its card; a card cannot mention anyone, so a markdown line follows it that
  @-mentions the people a notice or announcement names.
- Sends return no message id, so ids are made here (a card's task id, else a random one).
- A card is replaced only in answer to its own button press, within WeCom's window: the
  press's answer updates it there (the status line under the same title); later changes are
  new messages, which the core sends as this adapter declares no edits.
- A department with a group robot gets everything through it (send-only, 20 a minute): no
  buttons, so a link to the ticket's page where the web app has an address.
- One outbox row may be several WeCom messages; the parts already sent are remembered, so a
  row retried after a failure part-way does not send its photo twice.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.identity import native_of
from handlers.texts import Texts
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    Keyboard,
    SendDocument,
    SendPhoto,
    SendText,
)
from messaging.port import PermanentFailure

from . import cards, render, robot
from .budget import Budget
from .client import WeComClient
from .mentions import markdown_mentions

log = logging.getLogger(__name__)

# Photo bytes for a neutral photo reference (a media-store path, another platform's file id);
# None when there are none to be had (the text then goes alone).
PhotoSource = Callable[[str], Awaitable[bytes | None]]
ImageFetch = Callable[[str], Awaitable[bytes]]
# Refs of the messages whose named people are @-mentioned.
MENTIONING_REFS = ("notice:", "announce")


@dataclass(frozen=True)
class Pressed:
    """A button press not yet answered: where, by whom, on which card."""

    chatid: str
    userid: str
    task_id: str


class _Remembered(OrderedDict[str, object]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class WeComMessenger:
    def __init__(self, client: WeComClient | None, robots: dict[str, robot.RobotWebhook],
                 *, texts: Texts, people: dict[str, str], photos: PhotoSource,
                 fetch_image: ImageFetch, link_base: str | None, budget: Budget,
                 robot_budget: Budget) -> None:
        self.client = client
        self.robots = robots
        self.texts = texts
        self.people = people
        self.photos = photos
        self.fetch_image = fetch_image
        self.link_base = link_base.rstrip("/") if link_base else None
        self.budget = budget
        self.robot_budget = robot_budget
        self.cards: _Remembered = _Remembered(2048)
        self.presses: _Remembered = _Remembered(2048)
        self._parts: _Remembered = _Remembered(1024)

    # -- the port ----------------------------------------------------------------------

    async def send_text(self, message: SendText, reply_to_id: str | None) -> str:
        return await self._deliver(message.chat_id, message.text, message.buttons,
                                   photo=None, ref=message.ref, ticket=message.ticket)

    async def send_photo(self, message: SendPhoto, reply_to_id: str | None,
                         data: bytes | None) -> str:
        if data is None:
            data = await self.photos(message.photo)
        text = message.caption or message.fallback_text or ""
        return await self._deliver(message.chat_id, text, message.buttons, photo=data,
                                   ref=message.ref, ticket=message.ticket)

    async def send_document(self, message: SendDocument, reply_to_id: str | None,
                            data: bytes) -> str:
        chat = message.chat_id
        if chat in self.robots:
            # A robot's files need an upload of their own; the caption says what there was.
            log.warning("a group robot gets a document's caption only", extra={"chat_id": chat})
            return await self._deliver(chat, message.caption or message.filename, (),
                                       photo=None, ref=None, ticket=None)
        client = self._client()
        self.budget.take(chat, 2 if message.caption else 1)
        media_id = await client.upload_media(data, "file", message.filename)
        await client.send(native_of(chat), {"msgtype": "file", "file": {"media_id": media_id}})
        if message.caption:
            await client.send_markdown(native_of(chat), message.caption)
        return _new_id()

    async def edit_text(self, message: EditText, message_id: str) -> None:
        raise PermanentFailure("WeCom cannot edit a sent message")

    async def edit_caption(self, message: EditCaption, message_id: str) -> None:
        raise PermanentFailure("WeCom cannot edit a sent message")

    async def delete_message(self, message: DeleteMessage, message_id: str) -> None:
        # WeCom bots cannot recall a message; what it said stays (nothing to do).
        log.debug("wecom cannot delete a message", extra={"message_id": message_id})

    async def answer_button(self, message: AnswerButton) -> None:
        pressed = self.presses.get(message.callback_id)
        if not isinstance(pressed, Pressed) or self.client is None or not message.text:
            return
        client = self.client
        if message.alert:
            # WeCom has no pop-up: the refusal goes to the chat, to the person who pressed.
            chat = f"wecom:{pressed.chatid}"
            self.budget.take(chat, 1)
            mention = markdown_mentions([pressed.userid]) if pressed.userid else ""
            await client.send_markdown(pressed.chatid, self.texts(
                "wecom.refused", mention=mention, text=message.text).strip())
            return
        card = self.cards.get(pressed.task_id)
        if not isinstance(card, dict) or not client.card_update_open(message.callback_id):
            return
        # The details stay on the card; the answer (its new status) goes beneath them.
        lines = "\n".join(part for part in (str(card.get("sub_title_text") or ""),
                                            message.text) if part)
        updated = cards.status_card(card, render.trim(lines, render.SUBTITLE_MAX),
                                    buttons=render.buttons_kept(card))
        try:
            await client.update_card(message.callback_id, updated)
        except PermanentFailure as error:
            # The window closed on the way; the status line the core sends says the same.
            log.info("wecom card not updated: %s", error)
            return
        self.cards.put(pressed.task_id, updated)

    async def download(self, file_id: str) -> bytes:
        return await self.fetch_image(file_id)

    # -- inside --------------------------------------------------------------------------

    def remember_press(self, req_id: str, pressed: Pressed) -> None:
        self.presses.put(req_id, pressed)

    def _client(self) -> WeComClient:
        if self.client is None:
            raise PermanentFailure("no WeCom smart bot is configured ([wecom] bot_id, secret)")
        return self.client

    def _mentioned(self, text: str, ref: str | None) -> list[str]:
        if not ref or not ref.startswith(MENTIONING_REFS):
            return []
        return render.named_userids(text, self.people)

    async def _deliver(self, chat: str, text: str, buttons: Keyboard, *, photo: bytes | None,
                       ref: str | None, ticket: int | None) -> str:
        mentioned = self._mentioned(text, ref)
        if chat in self.robots:
            return await self._robot(chat, text, buttons, photo, ticket, mentioned)
        client = self._client()
        native = native_of(chat)
        task_id = cards.new_task_id(f"t{ticket}" if ticket else "m")
        card = render.card_of(text, buttons, task_id)
        key = _part_key(chat, ref, text)
        done = self._parts.get(key)
        sent: set[str] = done if isinstance(done, set) else set()
        parts = [name for name, wanted in (("photo", photo is not None),
                                           ("body", bool(text) or card is not None),
                                           ("mention", bool(mentioned)))
                 if wanted and name not in sent]
        if parts:
            self.budget.take(chat, len(parts))
        self._parts.put(key, sent)
        message_id = str(self._parts.get(key + "#id") or "")
        if "photo" in parts and photo is not None:
            await client.send_image(native, photo)
            sent.add("photo")
            message_id = message_id or _new_id()
        if "body" in parts:
            if card is not None:
                await client.send_card(native, card)
                self.cards.put(task_id, card)
                message_id = task_id
            else:
                await client.send_markdown(native, render.markdown_of(text, buttons))
                message_id = _new_id()
            sent.add("body")
            self._parts.put(key + "#id", message_id)
        if "mention" in parts:
            await client.send_markdown(native, self.texts(
                "wecom.mention_line", mentions=markdown_mentions(mentioned)))
            sent.add("mention")
        self._parts.pop(key, None)
        self._parts.pop(key + "#id", None)
        return message_id or _new_id()

    async def _robot(self, chat: str, text: str, buttons: Keyboard, photo: bytes | None,
                     ticket: int | None, mentioned: list[str]) -> str:
        hook = self.robots[chat]
        lines = [text] if text else []
        lines += [f"{b.text}: {b.url}" for row in buttons for b in row if b.url]
        if ticket is not None and self.link_base and any(b.data for row in buttons for b in row):
            lines.append(self.texts("wecom.act_on_page",
                                    url=f"{self.link_base}/web/tickets/{ticket}"))
        content = "\n".join(lines)
        image_ok = photo is not None and len(photo) <= robot.IMAGE_MAX_BYTES
        if photo is not None and not image_ok:
            log.warning("photo over the group robot's 2 MB: sent without it",
                        extra={"chat_id": chat})
        key = _part_key(chat, "robot", content)
        done = self._parts.get(key)
        sent: set[str] = done if isinstance(done, set) else set()
        parts = [name for name, wanted in (("photo", image_ok), ("body", bool(content)))
                 if wanted and name not in sent]
        if parts:
            self.robot_budget.take(chat, len(parts))
        self._parts.put(key, sent)
        if "photo" in parts and photo is not None:
            try:
                await hook.send_image(photo)
            except PermanentFailure as error:
                log.warning("group robot refused a photo: %s", error)
            sent.add("photo")
        if "body" in parts:
            await hook.post(robot.text_body(_fit_bytes(content, robot.TEXT_MAX_BYTES),
                                            mentioned))
        self._parts.pop(key, None)
        return _new_id()


def _part_key(chat: str, ref: str | None, text: str) -> str:
    return f"{chat}|{ref or ''}|{hash(text)}"


def _new_id() -> str:
    return f"wecom-{secrets.token_hex(8)}"


def _fit_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"

