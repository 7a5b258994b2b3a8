"""WeCom as one platform among others: the smart bot's long connection (staff @-mention it and
press its cards' buttons; it posts on its own), and group robots for send-only departments.

Built from `[wecom]` and the departments' `wecom_webhook_key` with no I/O; `start` makes the
connection's client, `connect` opens it. Every callback is written to the inbox before the
client counts it as received (WeCom does not acknowledge callbacks; a repeated one is stored
once, by its msgid).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.platforms import AdapterHost
from bot.settings import Settings
from domain.identity import WECOM, address
from handlers.media import MediaStore
from handlers.texts import Texts
from messaging.capabilities import Capabilities
from messaging.inbound import Event

from . import inbound
from .budget import Budget, Window
from .client import WeComClient
from .frames import Callback, CardEvent, MessageCallback
from .messenger import Pressed, WeComMessenger
from .pace import _SLACK
from .photos import Photos
from .robot import RobotWebhook

log = logging.getLogger(__name__)

# The smart bot: buttons on template cards, images, @-mentions by userid, one-to-one chats.
# A card can be replaced only in answer to its own button press (within 5 s), which is not
# an edit the core can ask for: no edits. No reply threads, no location messages.
SMART_BOT = Capabilities(buttons=True, send_photos=True, mentions=True, private_messages=True,
                         group_chats=True)
# Group robots alone: send-only, images, mentions in text messages.
ROBOTS_ONLY = Capabilities(send_photos=True, mentions=True)


@dataclass(frozen=True)
class WeComPace:
    """Seconds between messages to one conversation: the smart bot's per-minute and per-hour
    budget, or a group robot's 20 a minute."""

    chat_s: float
    robot_s: float
    global_s: float
    robot_chats: frozenset[str]

    def interval(self, chat_id: str) -> float:
        return self.robot_s if chat_id in self.robot_chats else self.chat_s

    @property
    def global_interval(self) -> float:
        return self.global_s


class WeComAdapter:
    name = WECOM

    def __init__(self, settings: Settings) -> None:
        section = settings.wecom
        self.settings = settings
        self.section = section
        self.request_timeout_s = section.request_timeout_s
        limits = section.limits
        robots = {d.chat_id: d.wecom_webhook_key.get_secret_value()
                  for d in settings.departments
                  if d.wecom_webhook_key is not None and d.chat_id is not None}
        self.pace = WeComPace(
            chat_s=max(60 / limits.chat_per_minute, 3600 / limits.chat_per_hour) * _SLACK,
            robot_s=60 / limits.robot_per_minute * _SLACK,
            global_s=1 / limits.global_per_second, robot_chats=frozenset(robots))
        self.capabilities = SMART_BOT if section.smart_bot else ROBOTS_ONLY
        # Configured people by address (names in events) and by name (mentions).
        self.names = {address(WECOM, p.wecom): p.name for p in settings.people if p.wecom}
        self.people = {p.name: p.wecom for p in settings.people if p.wecom}
        self._robot_keys = robots
        self.client: WeComClient | None = None
        self.session: aiohttp.ClientSession | None = None
        self.messenger: WeComMessenger = None  # type: ignore[assignment]  # made in start
        self._host: AdapterHost | None = None

    @property
    def connected(self) -> bool:
        return self.client.connected if self.client is not None else True

    async def start(self, host: AdapterHost) -> None:
        self._host = host
        section = self.section
        self.session = aiohttp.ClientSession()
        photos = Photos(host.uows, MediaStore(self.settings.media.dir), self.session,
                        section.request_timeout_s * 3)
        if section.smart_bot:
            assert section.bot_id is not None and section.secret is not None
            self.client = WeComClient(
                section.bot_id, section.secret.get_secret_value(), self._received,
                url=section.ws_url, heartbeat_s=section.heartbeat_s,
                request_timeout_s=section.request_timeout_s)
        robots = {chat: RobotWebhook(key, base_url=section.robot_base_url, session=self.session,
                                     timeout_s=section.request_timeout_s)
                  for chat, key in self._robot_keys.items()}
        limits = section.limits
        web = self.settings.web
        self.messenger = WeComMessenger(
            self.client, robots, texts=Texts(self.settings.bot.language), people=self.people,
            photos=photos.bytes_of, fetch_image=photos.fetch,
            link_base=web.link_base if web.enabled else None,
            budget=Budget((Window(limits.chat_per_minute, 60),
                           Window(limits.chat_per_hour, 3600))),
            robot_budget=Budget((Window(limits.robot_per_minute, 60),)))

    async def connect(self) -> None:
        if self.client is not None:
            await self.client.start()
        log.info("wecom connected", extra={"smart_bot": self.client is not None,
                                           "robots": len(self._robot_keys)})

    async def stop(self) -> None:
        if self.client is not None:
            # What was received is handed to the inbox before the connection goes.
            await self.client.stop()

    async def close(self) -> None:
        if self.client is not None:
            await self.client.stop()
        if self.session is not None:
            await self.session.close()

    def decode(self, update_id: int, payload: dict[str, Any]) -> Event | None:
        return inbound.to_event(update_id, payload, bot_names=(self.section.bot_name,),
                                names=self.names)

    async def waiting_outside(self) -> int:
        return self.client.backlog if self.client is not None else 0

    async def _received(self, callback: Callback) -> None:
        """One callback into the inbox; raising makes the client try it again."""
        host = self._host
        assert host is not None, "start the adapter first"
        if not isinstance(callback, MessageCallback | CardEvent):
            log.info("wecom event not acted on", extra={"msgid": callback.msgid})
            return
        if isinstance(callback, CardEvent):
            self.messenger.remember_press(callback.req_id, Pressed(
                callback.chatid or callback.userid, callback.userid, callback.task_id))
        async with host.uows() as uow:
            await uow.inbox.add([inbound.incoming(callback, host.clock.now())], host.timer.now())
            await uow.commit()
        host.on_stored()
