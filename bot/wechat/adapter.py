"""The WeChat service account as one platform among others.

Built from the `[wechat]` section with no I/O. `start` adds the callback route (GET for
WeChat's URL check, POST for pushes) to the bot's HTTP listener and opens the API client;
`connect` marks the callback as served. Pushes are stored in the inbox by the route itself;
the core reads them through `decode`, and answers through the messenger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from bot.pipeline.pacing import global_lane
from bot.platforms import AdapterHost
from bot.settings import Settings
from bot.settings_wechat import WeChatSection
from domain.identity import WECHAT, native_of
from handlers.web.links import ticket_path
from messaging.capabilities import Capabilities
from messaging.inbound import Event

from .api import WeChatApi
from .convert import to_event
from .crypto import MessageCrypto
from .messenger import WeChatMessenger
from .receiver import CallbackReceiver
from .store import DatabaseTokenStore

log = logging.getLogger(__name__)

# A follower's chat with the account: no edits, no buttons (typed words instead), no reply
# threads; photos go (uploaded first), locations come in, and every chat is one to one.
CAPABILITIES = Capabilities(
    edit_messages=False, buttons=False, reply_threads=False, send_photos=True,
    receive_locations=True, mentions=False, private_messages=True,
    sequential_message_ids=False)


@dataclass(frozen=True)
class WeChatPace:
    per_user_interval_s: float
    global_per_second: int

    def interval(self, chat_id: str) -> float:
        if chat_id == global_lane(WECHAT):
            return self.global_interval
        return self.per_user_interval_s

    @property
    def global_interval(self) -> float:
        return 1.0 / self.global_per_second


class WeChatAdapter:
    name = WECHAT
    capabilities = CAPABILITIES

    def __init__(self, settings: Settings) -> None:
        section = settings.wechat
        # The section's validator requires these with an app_id.
        assert section.app_id is not None and section.app_secret is not None
        assert section.token is not None and section.encoding_aes_key is not None
        self.section: WeChatSection = section
        self.crypto = MessageCrypto(section.token.get_secret_value(),
                                    section.encoding_aes_key.get_secret_value(),
                                    str(section.app_id))
        self.pair_window = timedelta(minutes=settings.intake.pair_window_minutes)
        web = settings.web
        self.messenger = WeChatMessenger(
            section.template, tz=settings.bot.tz,
            ticket_url=lambda n: f"{web.link_base}{ticket_path(n)}" if web.enabled else None)
        self.pace = WeChatPace(section.per_user_interval_s, section.global_per_second)
        self.request_timeout_s = section.request_timeout_s
        self.commands = {b.key: b.command for b in section.menu if b.command}
        self.receiver: CallbackReceiver | None = None
        self.api: WeChatApi | None = None
        self._session: aiohttp.ClientSession | None = None
        self._host: AdapterHost | None = None

    def __repr__(self) -> str:  # secrets stay out of logs
        return f"WeChatAdapter(app_id={self.section.app_id!r})"

    @property
    def connected(self) -> bool:
        return self.receiver is not None and self.receiver.connected

    async def start(self, host: AdapterHost) -> None:
        self._host = host
        section = self.section
        self._session = aiohttp.ClientSession()
        assert section.app_secret is not None and section.app_id is not None
        # The token lives in the database: every process of the bot shares it.
        self.api = WeChatApi(self._session, section.app_id,
                             section.app_secret.get_secret_value(),
                             base_url=section.api_base_url, clock=host.clock,
                             tokens=DatabaseTokenStore(host.uows, section.app_id),
                             timeout_s=section.request_timeout_s)
        self.messenger.attach(self.api, host.uows, host.clock)
        self.receiver = CallbackReceiver(host.uows, host.clock, self.crypto,
                                         safe_mode=section.safe_mode,
                                         pair_window=self.pair_window,
                                         on_stored=host.on_stored, guard=host.guard)
        host.http.route(section.listen, "GET", section.path, self.receiver.verify)
        host.http.route(section.listen, "POST", section.path, self.receiver.handle)

    async def connect(self) -> None:
        assert self.receiver is not None, "start the adapter first"
        self.receiver.connected = True
        log.info("wechat connected", extra={"app_id": self.section.app_id,
                                            "safe_mode": self.section.safe_mode})

    async def stop(self) -> None:
        if self.receiver is not None:
            self.receiver.accepting = False

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def decode(self, update_id: int, payload: dict[str, Any]) -> Event | None:
        assert self._host is not None, "start the adapter first"
        directory, texts = self._host.directory, self._host.texts

        def name_of(who: str) -> str:
            # WeChat tells no names: a configured person's, else a label with the openid's end.
            return directory.person_name(who, texts("wechat.follower", tail=native_of(who)[-4:]))

        return to_event(update_id, payload, name_of=name_of, commands=self.commands)

    async def waiting_outside(self) -> int:
        # WeChat keeps nothing for us: what it could not deliver it retried, then dropped.
        return 0
