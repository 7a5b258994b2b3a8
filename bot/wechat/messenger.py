"""Messages out to followers, within WeChat's rules.

A customer-service message (`message/custom/send`) may go only within a follower's grants
(`budget.GRANTS`: 5 messages within 48 h of their last message, …). The budget is kept per
follower in the database, so it survives restarts and every process sees the same one. Within
it a message goes as customer-service messages; beyond it, or when WeChat says so anyway
(45015 window passed, 45047 quota used), as the configured template message, which links to
the ticket's page when the web console has an address. An expired token is refreshed and the
call repeated by the API client. Nothing is dropped: a message that can go neither way fails
with a reason the outbox records.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.settings_wechat import TemplateSection
from domain.clock import Clock
from domain.identity import WECHAT, BadAddress, account, native_of, platform_of
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    SendDocument,
    SendPhoto,
    SendText,
)
from messaging.port import PermanentFailure
from storage.uow import UnitOfWorkFactory

from . import store
from .api import WeChatApi
from .budget import Budget, NoGrant, channel, charge, left
from .errors import CustomerServiceRefused
from .menus import click_menu

log = logging.getLogger(__name__)

# A customer-service text over 2048 bytes is refused (45002); longer texts are split.
TEXT_LIMIT_BYTES = 2048


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """The text in pieces of at most `limit` UTF-8 bytes, cut at line ends where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while len(line.encode()) > limit:
            cut = limit
            while len(line[:cut].encode()) > limit:
                cut -= 1
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def openid_of(chat_id: str) -> str:
    try:
        found = account(chat_id)
        if platform_of(found) != WECHAT:
            raise BadAddress(found)
    except BadAddress:
        raise PermanentFailure(f"not a WeChat follower: {chat_id!r}") from None
    return native_of(found)


class WeChatMessenger:
    def __init__(self, template: TemplateSection, *, tz: ZoneInfo,
                 ticket_url: Callable[[int], str | None]) -> None:
        self.template = template
        self.tz = tz
        self.ticket_url = ticket_url
        # Lent at start: the API client (its HTTP session), the database and the clock.
        self.api: WeChatApi | None = None
        self.uows: UnitOfWorkFactory | None = None
        self.clock: Clock | None = None

    def attach(self, api: WeChatApi, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self.api, self.uows, self.clock = api, uows, clock

    def _parts(self) -> tuple[WeChatApi, UnitOfWorkFactory, Clock]:
        if self.api is None or self.uows is None or self.clock is None:
            raise PermanentFailure("the WeChat adapter is not started")
        return self.api, self.uows, self.clock

    # -- the port ------------------------------------------------------------------------

    async def send_text(self, message: SendText, reply_to_id: str | None) -> str:
        return await self._deliver_text(openid_of(message.chat_id), message.text,
                                        message.ticket)

    async def send_photo(self, message: SendPhoto, reply_to_id: str | None,
                         data: bytes | None) -> str:
        openid = openid_of(message.chat_id)
        api, _, clock = self._parts()
        room = left(await self._budget(openid), clock.now())
        if room is not None and room < 2:
            # A photo and its words would take two of the last grants: the words matter more.
            text = message.fallback_text or message.caption
            return await self._deliver_text(openid, text, message.ticket)
        media_id = await api.upload_image(data if data is not None
                                          else await self._photo_bytes(message.photo))
        sent = await self._custom(openid, {"touser": openid, "msgtype": "image",
                                           "image": {"media_id": media_id}})
        text = message.caption or (message.fallback_text or "")
        if sent is None:
            return await self._deliver_text(openid, message.fallback_text or message.caption,
                                            message.ticket)
        if text:
            await self._deliver_text(openid, text, message.ticket)
        return sent

    async def send_document(self, message: SendDocument, reply_to_id: str | None,
                            data: bytes) -> str:
        raise PermanentFailure("a service account cannot send files to a follower")

    async def edit_text(self, message: EditText, message_id: str) -> None:
        raise PermanentFailure("WeChat messages cannot be edited")

    async def edit_caption(self, message: EditCaption, message_id: str) -> None:
        raise PermanentFailure("WeChat messages cannot be edited")

    async def delete_message(self, message: DeleteMessage, message_id: str) -> None:
        # A service account cannot take a message back; the port says that is nothing.
        return None

    async def answer_button(self, message: AnswerButton) -> None:
        return None  # no buttons on WeChat: nothing is ever pressed

    async def download(self, file_id: str) -> bytes:
        api, _, _ = self._parts()
        return (await api.get_media(file_id)).data

    # -- inside --------------------------------------------------------------------------

    async def _photo_bytes(self, photo: str) -> bytes:
        if photo.startswith(f"{WECHAT}:"):
            return await self.download(native_of(photo))
        raise PermanentFailure("the photo is not stored here and not WeChat's")

    async def _budget(self, openid: str) -> Budget:
        _, uows, _ = self._parts()
        async with uows(read_only=True) as uow:
            return await store.load_budget(uow, openid)

    async def _deliver_text(self, openid: str, text: str, ticket: int | None) -> str:
        menu = click_menu(text)
        if menu is not None and len(text.encode()) <= TEXT_LIMIT_BYTES:
            sent = await self._custom(openid, {
                "touser": openid, "msgtype": "msgmenu",
                "msgmenu": {"head_content": menu.head, "tail_content": "",
                            "list": [{"id": i.id, "content": i.content} for i in menu.items]}})
            if sent is not None:
                return sent
        first: str | None = None
        for index, piece in enumerate(split_text(text)):
            sent = await self._custom(openid, {"touser": openid, "msgtype": "text",
                                               "text": {"content": piece}})
            if sent is None:
                # Beyond the budget: the rest goes as one template message.
                rest = "\n".join(split_text(text)[index:])
                sent = await self._template(openid, rest, ticket)
                return first or sent
            first = first or sent
        assert first is not None
        return first

    async def _custom(self, openid: str, body: dict[str, object]) -> str | None:
        """Send a customer-service message if the budget allows; None when it does not (or
        WeChat says it does not), so the caller sends a template message instead."""
        api, uows, clock = self._parts()
        now = clock.now()
        if channel(await self._budget(openid), now) != "custom":
            return None
        try:
            await api.send_custom(body)
        except CustomerServiceRefused as error:
            log.info("customer-service message refused; sending a template message",
                     extra={"errcode": error.errcode})
            return None
        async with uows() as uow:
            budget = await store.load_budget(uow, openid, lock=True)
            # Spent meanwhile by another process (NoGrant): WeChat took this one anyway.
            with contextlib.suppress(NoGrant):
                await store.save_budget(uow, openid, charge(budget, now), now)
            await uow.commit()
        return f"cs:{uuid.uuid4().hex}"

    async def _template(self, openid: str, text: str, ticket: int | None) -> str:
        api, _, clock = self._parts()
        template = self.template
        if not template.id:
            raise PermanentFailure("no customer-service message may go now and no template "
                                   "message is configured ([wechat.template] id)")
        data = template_data(template, text, ticket, clock.now().astimezone(self.tz))
        url = self.ticket_url(ticket) if ticket is not None else None
        msgid = await api.send_template(openid, template.id, data, url)
        return f"tpl:{msgid}"


_LABEL = re.compile(r"^#\d{4,}\s*")
# A status line's parts: "已受理 · 张师傅 · 12:07（报告后 7 分钟）".
_SEPARATOR = re.compile(r"\s+·\s+")
_BRACKETS = re.compile(r"[（()）]")


def template_data(template: TemplateSection, text: str, ticket: int | None,
                  when: datetime) -> dict[str, str]:
    """The template's keys filled from a message: its ticket, its first line (without the
    ticket's label when a key carries the number), its time."""
    data: dict[str, str] = {}
    line = next((row.strip() for row in text.split("\n") if row.strip()), "")
    fields = template.fields
    if ticket is not None and any(f.value == "ticket" for f in fields):
        line = _LABEL.sub("", line)
    words = fill_pieces(line, [f.limit for f in fields if f.value == "text"])
    for field in fields:
        if field.value == "ticket" and ticket is not None:
            data[field.key] = f"#{ticket:04d}"[:field.limit]
        elif field.value == "time":
            data[field.key] = when.strftime("%Y-%m-%d %H:%M")
        elif field.value == "text" and words:
            data[field.key] = words.pop(0)
    return data


def fill_pieces(line: str, limits: list[int]) -> list[str]:
    """The line's parts (between " · " and brackets) over keys of these lengths: each key
    takes whole parts while they fit, one part too long for any key is cut with "…". What
    finds no key is left out (the ticket's page, linked, has it all)."""
    parts = [part.strip() for segment in _SEPARATOR.split(line)
             for part in _BRACKETS.split(segment) if part.strip()]
    filled: list[str] = []
    for limit in limits:
        if not parts:
            break
        current = parts.pop(0)
        if len(current) > limit:
            current = current[:limit - 1] + "…"
        while parts and len(current) + 3 + len(parts[0]) <= limit:
            current += " · " + parts.pop(0)
        filled.append(current)
    return filled
