"""The composition root: the one place that builds and wires everything.

Nothing connects or reads configuration at import time; `App(settings).start()` does it all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import wiring
from bot.health.endpoints import HealthEndpoints, Probes
from bot.health.metrics import Metrics
from bot.health.outage import OutageWatch
from bot.health.supervisor import Supervisor
from bot.http_listener import HttpListeners
from bot.pipeline.document_worker import DocumentWorker
from bot.pipeline.media_worker import MediaWorker
from bot.pipeline.processor import Core, InboxProcessor
from bot.pipeline.sender import OutboxSender
from bot.pipeline.trouble import Backoff
from bot.platforms import Adapter, AdapterHost, Platforms
from bot.scheduler import JobRunner, Scheduler
from bot.settings import Settings
from bot.web import mount as mount_web
from bot.web.areas import AreaIndex
from bot.web.deps import WebDeps
from domain.clock import Clock, SystemClock
from handlers.context import Context
from handlers.media import MediaStore
from handlers.router import load_features
from handlers.texts import Texts
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory
from storage.wakeups import InboxListener

log = logging.getLogger(__name__)


def _telegram(settings: Settings) -> Adapter:
    # Imported here: a deployment without Telegram never loads aiogram.
    from bot.telegram.adapter import TelegramAdapter

    return TelegramAdapter(settings.telegram, language=settings.bot.language)


def _wechat(settings: Settings) -> Adapter:
    from bot.wechat.adapter import WeChatAdapter

    return WeChatAdapter(settings)


def _wecom(settings: Settings) -> Adapter:
    from bot.wecom.adapter import WeComAdapter

    return WeComAdapter(settings)


@dataclass(frozen=True)
class PlatformEntry:
    """A platform the bot can serve: whether its section is configured, and its adapter."""

    name: str
    configured: Callable[[Settings], bool]
    build: Callable[[Settings], Adapter]


# A platform is switched on by its section being configured; a new platform adds one entry.
PLATFORMS: tuple[PlatformEntry, ...] = (
    PlatformEntry("telegram", lambda settings: settings.has_token, _telegram),
    PlatformEntry("wechat", lambda settings: settings.has_wechat, _wechat),
    PlatformEntry("wecom", lambda settings: settings.has_wecom, _wecom),
)


def build_platforms(settings: Settings) -> Platforms:
    """The adapters of every configured platform (none are connected yet)."""
    return Platforms(entry.build(settings) for entry in PLATFORMS if entry.configured(settings))


@dataclass
class Stats:
    started: bool = False
    blind_groups: list[str] = field(default_factory=list)


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
        self.platforms = Platforms()

    # -- building --------------------------------------------------------------------------

    async def start(self) -> None:
        settings = self.settings
        await asyncio.to_thread(upgrade, settings.database.url)
        database = settings.database
        self.engine = create_engine(
            database.url, pool_size=database.pool_size, pool_overflow=database.pool_overflow,
            statement_timeout_s=database.statement_timeout_s,
            connect_timeout_s=database.connect_timeout_s)
        # On PostgreSQL other processes may share the database: each hears when another
        # stored updates (a busy group reaches only the process holding its connection).
        shared = self.engine.dialect.name == "postgresql"
        self.process_name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.uows = UnitOfWorkFactory(session_factory(self.engine),
                                      announce_as=self.process_name if shared else None)
        load_features()
        self.platforms = build_platforms(settings)
        if not len(self.platforms):
            raise RuntimeError("no messaging platform is configured (e.g. a [telegram] token)")
        self.directory = wiring.directory(settings)
        self.media = MediaStore(settings.media.dir)
        self.services = wiring.services(settings, self.media,
                                        capabilities_of=self.platforms.capabilities_of)
        self.core = Core(self.clock, self.directory, self.services)
        self.texts = Texts(settings.bot.language)
        self.watch = OutageWatch(
            uows=self.uows, port=self.platforms.port, texts=self.texts,
            admin_chat_id=self.directory.admin_chat_id, timer=self.timer, tz=settings.bot.tz,
            notice_after_s=settings.health.outage_notice_after_s,
            alerts=settings.health.alerts, exit_after_s=settings.health.exit_after_outage_s,
            backoff=self.backoff, waiting_elsewhere=self._held_by_receivers,
            written=lambda: self.sender.poke(), give_up=self.supervisor.give_up)
        guarded = {"guard": self.watch, "telemetry": self.metrics}
        self.processor = InboxProcessor(
            self.uows, self.core, {a.name: a.decode for a in self.platforms}, self.timer,
            after_commit=self._after_commit, **guarded)
        self.sender = OutboxSender(
            self.uows, self.platforms, self.media, self.texts, self.timer, **guarded)
        self.media_worker = MediaWorker(self.uows, self.platforms.port, self.media, self.timer,
                                        guard=self.watch)
        self.document_worker = DocumentWorker(self.uows, self.platforms.port, self.media,
                                              self.timer, guard=self.watch)
        self.scheduler = Scheduler(settings.database.url, settings.bot.tz, self.clock,
                                   JobRunner(self.uows, self.core.context, self._after_commit,
                                             **guarded),
                                   self.services.rules)

        host = AdapterHost(
            uows=self.uows, clock=self.clock, timer=self.timer, http=self.http,
            on_stored=self._stored, spawn=lambda name, run: self._spawn(run, name),
            guard=self.watch, telemetry=self.metrics, texts=self.texts,
            directory=self.directory)
        for adapter in self.platforms:
            await adapter.start(host)
        self.stats.blind_groups = [chat for adapter in self.platforms
                                   for chat in getattr(adapter, "blind_groups", ())]
        if self.engine.dialect.name == "sqlite":
            await self.sender.recover()
        await self.scheduler.start()
        self._serve_health()
        if settings.web.enabled:
            mount_web(self.http, WebDeps(
                settings=settings, uows=self.uows, context=self.core.context,
                after_commit=self._after_commit, clock=self.clock, directory=self.directory,
                media=self.media, areas=AreaIndex(settings)))
        # Every part has added its routes: open the listeners, then let platforms deliver.
        await self.http.start()
        for adapter in self.platforms:
            await adapter.connect()

        # One event loop runs them all: a second worker overlaps one update's database round
        # trips with another's work. More would not add CPU, which one loop has already
        # spent by then; more processes do (inbox lanes let them share even one group).
        workers = self.workers or (1 if self.engine.dialect.name == "sqlite" else 2)
        for index in range(workers):
            self._spawn(self.processor.run, f"inbox-{index}")
        if shared:
            listener = InboxListener(self.engine, self.process_name, self.processor.poke,
                                     self.backoff.delay)
            self._spawn(listener.run, "inbox-listener")
        self._spawn(self.sender.run, "outbox")
        self._spawn(self.media_worker.run, "media")
        self._spawn(self.document_worker.run, "documents")
        self._spawn(self.scheduler.watch, "scheduler")
        self._spawn(self.watch.run, "outage-watch")
        self.stats.started = True
        log.info("bot started", extra={"platforms": ",".join(self.platforms.names),
                                       "database": self.engine.dialect.name})

    def _serve_health(self) -> None:
        listen = self.settings.metrics.listen
        if not listen:
            return
        self.health = HealthEndpoints(Probes(
            uows=self.uows, metrics=self.metrics, clock=self.clock, timer=self.timer,
            platforms=self.platforms.connected, stopped_tasks=self._stopped_tasks,
            fatal=lambda: self.supervisor.fatal_reason))
        self.health.route(self.http, listen)
        self.metrics.process.tasks = lambda: {
            name: state.running for name, state in self.supervisor.states.items()}
        self.metrics.process.outage = lambda: self.watch.database_down

    def _stopped_tasks(self) -> list[str]:
        stopped = self.supervisor.not_running
        if not self.scheduler.alive:
            stopped.append("scheduler-thread")
        return stopped

    async def _held_by_receivers(self) -> int:
        """Updates that waited outside the database, at every platform."""
        return sum([await adapter.waiting_outside() for adapter in self.platforms])

    # -- running ---------------------------------------------------------------------------

    def _stored(self) -> None:
        self.processor.poke()

    def _after_commit(self, ctx: Context) -> None:
        # Only the workers the transaction gave work to: each poke costs a round.
        work = ctx.uow.work
        if "outbox" in work:
            self.sender.poke()
        if "photos" in work:
            self.media_worker.poke()
        if "files" in work:
            self.document_worker.poke()
        if "inbox" in work:
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
            # Read before the database: a worker that finishes while it is asked would
            # otherwise be seen idle after the rows it wrote were looked for.
            working = self.processor.busy or self.document_worker.busy
            async with self.uows(read_only=True) as uow:
                busy = (await uow.inbox.pending_exists() or await uow.outbox.active_exists()
                        or bool(await uow.pending.files_to_read(self.timer.now(), 1)))
            if not (working or busy or self.processor.busy or self.document_worker.busy):
                return
            if loop.time() > deadline:
                raise TimeoutError("the bot did not settle")
            self.processor.poke()
            self.sender.poke()
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stop taking updates, let the work in hand finish, keep the outbox for next time."""
        for adapter in self.platforms:
            with contextlib.suppress(Exception):
                await adapter.stop()
        self.stopping.set()
        await self.supervisor.wait(20)
        await self.http.stop()
        with contextlib.suppress(Exception):
            self.scheduler.shutdown()
        for adapter in self.platforms:
            with contextlib.suppress(Exception):
                await adapter.close()
        if self.engine is not None:
            await self.engine.dispose()
        log.info("bot stopped")
