"""Telegram as one platform among others: the bot's session, how updates arrive (polling or a
webhook), how messages leave, how fast, and what Telegram can do.

Built from the `[telegram]` section with no I/O; `start` learns who the bot is, publishes its
commands and checks it can see the groups; `connect` begins receiving.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer

from bot.pipeline.pacing import Limits
from bot.platforms import AdapterHost
from bot.settings import TelegramSection
from bot.telegram.convert import parse_update, to_event
from bot.telegram.messenger import TelegramMessenger
from bot.telegram.pace import TelegramPace
from bot.telegram.receiver import ALLOWED_UPDATES, PollingReceiver, WebhookReceiver
from bot.telegram.session import BotSession
from bot.telegram.startup import Identity, groups_blind_to, identify, publish_commands
from domain.identity import TELEGRAM
from messaging.capabilities import Capabilities
from messaging.inbound import Event
from messaging.outbound import SendText

log = logging.getLogger(__name__)

CAPABILITIES = Capabilities(
    edit_messages=True, buttons=True, reply_threads=True, send_photos=True,
    receive_locations=True, mentions=True, private_messages=True,
    group_chats=True, sequential_message_ids=True)


class TelegramAdapter:
    name = TELEGRAM
    capabilities = CAPABILITIES

    def __init__(self, section: TelegramSection, *, language: str) -> None:
        assert section.token is not None, "a token is required to talk to a Bot API server"
        self.section = section
        self.language = language
        session = BotSession(api=TelegramAPIServer.from_base(
            section.api_base_url.rstrip("/")))
        self.bot = Bot(token=section.token.get_secret_value(), session=session)
        self.messenger = TelegramMessenger(self.bot, section.request_timeout_s)
        self.request_timeout_s = section.request_timeout_s
        limits = section.limits
        self.pace = TelegramPace(Limits(limits.per_chat_interval_s, limits.group_per_minute,
                                        limits.global_per_second))
        self.identity: Identity | None = None
        self.webhook: WebhookReceiver | None = None
        self.poller: PollingReceiver | None = None
        # Groups in which privacy mode hides plain messages from the bot (found at start).
        self.blind_groups: list[int] = []
        self._host: AdapterHost | None = None

    @property
    def connected(self) -> bool:
        receiver = self.webhook or self.poller
        return receiver is not None and receiver.connected

    async def start(self, host: AdapterHost) -> None:
        self._host = host
        self.identity = await identify(self.bot)
        await publish_commands(self.bot, self.language)
        await self._check_privacy(host)
        section = self.section
        if section.mode == "webhook":
            assert section.webhook_secret is not None and section.webhook_url
            self.webhook = WebhookReceiver(host.uows, host.timer,
                                           section.webhook_secret.get_secret_value(),
                                           host.on_stored, guard=host.guard)
            path = urlsplit(section.webhook_url).path or "/"
            host.http.route(section.webhook_listen, "POST", path, self.webhook.handle)
            if section.webhook_reuse_port:
                host.http.share(section.webhook_listen)

    async def connect(self) -> None:
        host, section = self._host, self.section
        assert host is not None, "start the adapter first"
        if self.webhook is not None:
            assert section.webhook_secret is not None and section.webhook_url
            await self.bot.set_webhook(section.webhook_url,
                                       secret_token=section.webhook_secret.get_secret_value(),
                                       allowed_updates=ALLOWED_UPDATES)
            self.webhook.connected = True
        else:
            await self.bot.delete_webhook(drop_pending_updates=False)
            self.poller = PollingReceiver(self.bot, host.uows, host.timer, host.on_stored,
                                          poll_timeout=section.poll_timeout_s,
                                          guard=host.guard, telemetry=host.telemetry)
            # Telegram just answered deleteWebhook; a failing getUpdates says otherwise later.
            self.poller.connected = True
            host.spawn("polling", self.poller.run)
        log.info("telegram connected", extra={
            "username": self.identity.username if self.identity else "",
            "mode": section.mode})

    async def stop(self) -> None:
        if self.webhook is not None:
            # Telegram keeps what it cannot deliver now and sends it again later.
            self.webhook.accepting = False

    async def close(self) -> None:
        await self.bot.session.close()

    def decode(self, update_id: int, payload: dict[str, Any]) -> Event | None:
        assert self.identity is not None, "start the adapter first"
        return to_event(parse_update(payload["update"]), self.identity.id,
                        self.identity.username)

    async def waiting_outside(self) -> int:
        """Updates held by the poller, or still queued for the webhook at Telegram."""
        if self.poller is not None:
            return self.poller.held
        try:
            info = await asyncio.wait_for(self.bot.get_webhook_info(), 5)
        except Exception:
            log.warning("could not ask how many updates wait for the webhook")
            return 0
        return int(info.pending_update_count or 0)

    async def _check_privacy(self, host: AdapterHost) -> None:
        assert self.identity is not None
        blind = await groups_blind_to(self.bot, self.identity, host.directory)
        self.blind_groups = blind
        if not blind:
            return
        log.warning("the bot cannot see plain messages in some groups; make it an admin "
                    "or turn privacy mode off in BotFather",
                    extra={"groups": blind})
        admin_chat = host.directory.admin_chat_id
        if admin_chat is not None:
            async with host.uows() as uow:
                uow.outbox.add(SendText(chat_id=admin_chat,
                                        text=host.texts("common.privacy_warning")),
                               host.clock.now())
                await uow.commit()
