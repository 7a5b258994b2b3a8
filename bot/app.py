"""The composition root: the one place that builds and wires everything.

Nothing connects or reads configuration at import time; `App(settings).start()` does it all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.health.endpoints import HealthEndpoints, Probes
from bot.health.metrics import Metrics
from bot.health.outage import OutageWatch
from bot.health.supervisor import Supervisor
from bot.http_listener import HttpListeners
from bot.pipeline.document_worker import DocumentWorker
from bot.pipeline.media_worker import MediaWorker
from bot.pipeline.pacing import Limits
from bot.pipeline.processor import Core, InboxProcessor
from bot.pipeline.sender import OutboxSender
from bot.pipeline.trouble import Backoff
from bot.scheduler import JobRunner, Scheduler
from bot.settings import Settings
from bot.telegram.convert import parse_update, to_event
from bot.telegram.messenger import TelegramMessenger
from bot.telegram.receiver import ALLOWED_UPDATES, PollingReceiver, WebhookReceiver
from bot.telegram.session import BotSession
from bot.telegram.startup import Identity, groups_blind_to, identify, publish_commands
from bot.web import mount as mount_web
from bot.web.areas import AreaIndex
from bot.web.deps import WebDeps
from domain.clock import Clock, SystemClock
from handlers.context import Context
from handlers.directory import Directory
from handlers.media import MediaStore
from handlers.router import load_features
from handlers.routing.areas import DepartmentScope, Router, load_area
from handlers.services import PeopleService, Services
from handlers.stations.directory import build_index
from handlers.texts import Texts
from messaging.outbound import SendText
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)


def build_router(settings: Settings) -> Router:
    scopes = []
    for department in settings.departments:
        path = settings.area_path(department)
        scopes.append(DepartmentScope(
            id=department.id,
            categories=frozenset(department.categories),
            area=load_area(path) if path else None,
        ))
    return Router(scopes, settings.routing.fallback_department)


@dataclass
class Stats:
    started: bool = False
    blind_groups: list[int] = field(default_factory=list)


class App:
    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 timer: Clock | None = None, workers: int | None = None) -> None:
        self.settings = settings
        # Business time (tickets, deadlines) may be fake; transport pacing is always real.
        self.clock = clock or SystemClock()
        self.timer = timer or SystemClock()
        self.workers = workers
        self.stopping = asyncio.Event()
        self.stats = Stats()
        health = settings.health
        self.backoff = Backoff(health.retry_initial_s, health.retry_max_s)
        self.metrics = Metrics()
        self.supervisor = Supervisor(self.stopping, backoff=self.backoff,
                                     restart_limit=health.restart_limit,
                                     restart_window_s=health.restart_window_s,
                                     telemetry=self.metrics)
        self.engine: AsyncEngine | None = None
        self.http = HttpListeners()
        self.webhook: WebhookReceiver | None = None
        self.poller: PollingReceiver | None = None

    # -- building --------------------------------------------------------------------------

    async def start(self) -> None:
        settings = self.settings
        await asyncio.to_thread(upgrade, settings.database.url)
        database = settings.database
        self.engine = create_engine(
            database.url, pool_size=database.pool_size, pool_overflow=database.pool_overflow,
            statement_timeout_s=database.statement_timeout_s,
            connect_timeout_s=database.connect_timeout_s)
        self.uows = UnitOfWorkFactory(session_factory(self.engine))
        load_features()
        self.directory = Directory(settings)
        self.media = MediaStore(settings.media.dir)
        self.services = Services(settings=settings, areas=build_router(settings),
                                 media=self.media, people=PeopleService(),
                                 stations=build_index(settings))
        self.core = Core(self.clock, self.directory, self.services)
        self.texts = Texts(settings.bot.language)

        self.bot = self._bot()
        self.identity: Identity = await identify(self.bot)
        self.messenger = TelegramMessenger(self.bot, settings.telegram.request_timeout_s)
        self.watch = OutageWatch(
            uows=self.uows, port=self.messenger, texts=self.texts,
            admin_chat_id=self.directory.admin_chat_id, timer=self.timer, tz=settings.bot.tz,
            notice_after_s=settings.health.outage_notice_after_s,
            alerts=settings.health.alerts, exit_after_s=settings.health.exit_after_outage_s,
            backoff=self.backoff, waiting_elsewhere=self._held_by_receivers,
            written=lambda: self.sender.poke(), give_up=self.supervisor.give_up)
        guarded = {"guard": self.watch, "telemetry": self.metrics}
        self.processor = InboxProcessor(
            self.uows, self.core, {"telegram": self._decode_telegram}, self.timer,
            after_commit=self._after_commit, **guarded)
        limits = settings.telegram.limits
        self.sender = OutboxSender(
            self.uows, self.messenger, self.media,
            Limits(limits.per_chat_interval_s, limits.group_per_minute, limits.global_per_second),
            self.texts, self.timer, request_timeout_s=settings.telegram.request_timeout_s,
            **guarded)
        self.media_worker = MediaWorker(self.uows, self.messenger, self.media, self.timer,
                                        guard=self.watch)
        self.document_worker = DocumentWorker(self.uows, self.messenger, self.media, self.timer,
                                              guard=self.watch)
        self.scheduler = Scheduler(settings.database.url, settings.bot.tz, self.clock,
                                   JobRunner(self.uows, self.core.context, self._after_commit,
                                             **guarded),
                                   settings)

        await publish_commands(self.bot, settings.bot.language)
        await self._check_privacy()
        if self.engine.dialect.name == "sqlite":
            await self.sender.recover()
        await self.scheduler.start()
        self._serve_health()
        if settings.web.enabled:
            mount_web(self.http, WebDeps(
                settings=settings, uows=self.uows, context=self.core.context,
                after_commit=self._after_commit, clock=self.clock, directory=self.directory,
                media=self.media, areas=AreaIndex(settings)))
        await self._start_receiving()
        await self.http.start()

        workers = self.workers or (1 if self.engine.dialect.name == "sqlite" else 4)
        for index in range(workers):
            self._spawn(self.processor.run, f"inbox-{index}")
        self._spawn(self.sender.run, "outbox")
        self._spawn(self.media_worker.run, "media")
        self._spawn(self.document_worker.run, "documents")
        self._spawn(self.scheduler.watch, "scheduler")
        self._spawn(self.watch.run, "outage-watch")
        self.stats.started = True
        log.info("bot started", extra={"username": self.identity.username,
                                       "mode": settings.telegram.mode,
                                       "database": self.engine.dialect.name})

    def _bot(self) -> Bot:
        token = self.settings.telegram.token
        assert token is not None, "a token is required to talk to a Bot API server"
        session = BotSession(api=TelegramAPIServer.from_base(
            self.settings.telegram.api_base_url.rstrip("/")))
        return Bot(token=token.get_secret_value(), session=session)

    async def _start_receiving(self) -> None:
        telegram = self.settings.telegram
        if telegram.mode == "webhook":
            assert telegram.webhook_secret is not None and telegram.webhook_url
            secret = telegram.webhook_secret.get_secret_value()
            self.webhook = WebhookReceiver(self.uows, self.timer, secret, self._stored,
                                           guard=self.watch)
            path = urlsplit(telegram.webhook_url).path or "/"
            self.http.route(telegram.webhook_listen, "POST", path, self.webhook.handle)
            await self.http.start()
            await self.bot.set_webhook(telegram.webhook_url, secret_token=secret,
                                       allowed_updates=ALLOWED_UPDATES)
            self.webhook.connected = True
        else:
            await self.http.start()
            await self.bot.delete_webhook(drop_pending_updates=False)
            self.poller = PollingReceiver(self.bot, self.uows, self.timer, self._stored,
                                          poll_timeout=telegram.poll_timeout_s,
                                          guard=self.watch, telemetry=self.metrics)
            # Telegram just answered deleteWebhook; a failing getUpdates says otherwise later.
            self.poller.connected = True
            self._spawn(self.poller.run, "polling")

    def _serve_health(self) -> None:
        listen = self.settings.metrics.listen
        if not listen:
            return
        self.health = HealthEndpoints(Probes(
            uows=self.uows, metrics=self.metrics, clock=self.clock, timer=self.timer,
            platforms=self._platforms, stopped_tasks=self._stopped_tasks,
            fatal=lambda: self.supervisor.fatal_reason))
        self.health.route(self.http, listen)
        self.metrics.process.tasks = lambda: {
            name: state.running for name, state in self.supervisor.states.items()}
        self.metrics.process.outage = lambda: self.watch.database_down

    def _platforms(self) -> dict[str, bool]:
        receiver = self.webhook or self.poller
        return {"telegram": receiver is not None and receiver.connected}

    def _stopped_tasks(self) -> list[str]:
        stopped = self.supervisor.not_running
        if not self.scheduler.alive:
            stopped.append("scheduler-thread")
        return stopped

    async def _held_by_receivers(self) -> int:
        """Updates that waited outside the database: held by the poller, or still queued
        for the webhook at Telegram."""
        if self.poller is not None:
            return self.poller.held
        try:
            info = await asyncio.wait_for(self.bot.get_webhook_info(), 5)
        except Exception:
            log.warning("could not ask how many updates wait for the webhook")
            return 0
        return int(info.pending_update_count or 0)

    async def _check_privacy(self) -> None:
        blind = await groups_blind_to(self.bot, self.identity, self.directory)
        self.stats.blind_groups = blind
        if not blind:
            return
        log.warning("the bot cannot see plain messages in some groups; make it an admin "
                    "or turn privacy mode off in BotFather",
                    extra={"groups": blind})
        if self.directory.admin_chat_id is not None:
            async with self.uows() as uow:
                uow.outbox.add(SendText(chat_id=self.directory.admin_chat_id,
                                        text=self.texts("common.privacy_warning")),
                               self.clock.now())
                await uow.commit()

    # -- running ---------------------------------------------------------------------------

    def _decode_telegram(self, update_id: int, payload: dict[str, Any]) -> Any:
        return to_event(parse_update(payload["update"]), self.identity.id,
                        self.identity.username)

    def _stored(self) -> None:
        self.processor.poke()

    def _after_commit(self, ctx: Context) -> None:
        self.sender.poke()
        self.media_worker.poke()
        self.document_worker.poke()
        self.processor.poke()
        for when in ctx.wakeups:
            try:
                self.scheduler.wake_at(when)
            except Exception:
                log.exception("could not schedule a wake-up; the periodic round covers it")

    def _spawn(self, run: Callable[[asyncio.Event], Awaitable[None]], name: str) -> None:
        self.supervisor.spawn(name, lambda: run(self.stopping))

    @property
    def fatal(self) -> asyncio.Event:
        """Set when the process cannot recover and should end (non-zero)."""
        return self.supervisor.fatal

    async def idle(self, within: float = 30.0) -> None:
        """Wait until every stored update is handled and every message delivered (tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            async with self.uows(read_only=True) as uow:
                busy = (await uow.inbox.pending_exists() or await uow.outbox.active_exists()
                        or bool(await uow.pending.files_to_read(self.timer.now(), 1)))
            if not (busy or self.processor.busy or self.document_worker.busy):
                return
            if loop.time() > deadline:
                raise TimeoutError("the bot did not settle")
            self.processor.poke()
            self.sender.poke()
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stop taking updates, let the work in hand finish, keep the outbox for next time."""
        if self.webhook is not None:
            self.webhook.accepting = False
        self.stopping.set()
        await self.supervisor.wait(20)
        await self.http.stop()
        with contextlib.suppress(Exception):
            self.scheduler.shutdown()
        with contextlib.suppress(Exception):
            await self.bot.session.close()
        if self.engine is not None:
            await self.engine.dispose()
        log.info("bot stopped")
