"""`Sandbox`: the local Bot API server, the production bot against it, and the page.

The bot runs through exactly the code it runs in production (aiogram over HTTP, the database,
the scheduler); only the Bot API address and the token differ. The data lives in `data_dir`
(the command's default: ./liaison-sandbox, kept between runs so that what was tried can be
exported and counted) or, without one, in a temporary folder removed on exit (tests, the
demo). The simulated chats start empty each time; the database remembers the earlier runs,
and the new server numbers its updates and messages after theirs (`continuity.py`).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.app import App
from bot.localapi import FloodLimits, LocalBotApi
from bot.localwechat import LocalWeChat
from bot.localwecom import LocalWeCom
from bot.sandbox.cast import Cast
from bot.sandbox.continuity import IdsInUse, ids_in_use
from bot.sandbox.scene import greet, populate
from bot.sandbox.web import build_page_app, start_site
from bot.sandbox.wechat_view import RiderChat, on_wechat
from bot.sandbox.wechat_view import add_routes as add_wechat_routes
from bot.sandbox.wechat_view import connect as connect_wechat
from bot.sandbox.wecom_view import BOT_ID, SECRET, Crew, crew_on_wecom
from bot.sandbox.wecom_view import add_routes as add_wecom_routes
from bot.settings import RateLimits, Settings, split_listen
from domain.clock import Clock, FakeClock

# Pacing scaled down for tests and the demo; the interactive sandbox keeps Telegram's numbers.
FAST_SERVER = FloodLimits(per_chat_per_second=1000, per_group_per_minute=60000,
                          global_per_second=10000)
FAST_BOT = RateLimits(per_chat_interval_s=0.001, group_per_minute=50000, global_per_second=5000)


DATABASE_FILE = "liaison.db"


def new_token() -> str:
    return f"{secrets.randbelow(10**9) + 7 * 10**9}:{secrets.token_urlsafe(27)}"


class Sandbox:
    def __init__(self, settings: Settings, *, listen: str | None = None,
                 database_url: str | None = None, data_dir: Path | None = None,
                 clock: Clock | None = None,
                 fast: bool = False, page: bool = True) -> None:
        self.base_settings = settings
        self.listen = listen or settings.sandbox.listen
        # The default page address may be taken; an address the user chose may not.
        self.listen_fallback = listen is None
        self.database_url = database_url
        self.data_dir = data_dir
        self.earlier = IdsInUse()
        self.clock = clock
        self.fast = fast
        self.with_page = page
        self.cast = Cast(settings)
        self.token = new_token()
        self.workdir: Path | None = None
        self.server: LocalBotApi | None = None
        self.app: App | None = None
        self.page_runner: web.AppRunner | None = None
        # The WeCom view ([sandbox] wecom): its local server and the group's members.
        self.wecom: LocalWeCom | None = None
        self.crew: Crew | None = None
        # The WeChat view ([sandbox] wechat): its local server and the rider's chat.
        self.wechat: LocalWeChat | None = None
        self.rider_chat: RiderChat | None = None
        self.page_url: str | None = None

    async def start(self) -> Sandbox:
        host, port = split_listen(self.base_settings.sandbox.api_listen)
        database_url, media_dir = self._storage()
        self.earlier = await ids_in_use(database_url)
        self.server = LocalBotApi(
            token=self.token, clock=self.clock, host=host, port=port,
            limits=FAST_SERVER if self.fast else FloodLimits(),
            bot_username="liaison_sandbox_bot", bot_first_name="Liaison",
            can_read_all_group_messages=False,
            first_update_id=self.earlier.last_update_id + 1,
            message_id_floors=self.earlier.last_message_ids)
        await self.server.start()
        populate(self.server, self.cast, self.base_settings.bot.language)
        self.settings = self._bot_settings(self.server.base_url, database_url, media_dir)
        if self.base_settings.sandbox.wecom:
            self.wecom = LocalWeCom(BOT_ID, SECRET)
            await self.wecom.start()
            self.settings, self.crew = crew_on_wecom(self.settings, self.wecom)
        if self.base_settings.sandbox.wechat:
            # WeChat spreads its retries over seconds: a bot back within them gets the push.
            self.wechat = LocalWeChat(clock=self.clock, push_retry_interval_s=1.0)
            await self.wechat.start()
            self.settings = on_wechat(self.settings, self.wechat, fast=self.fast)
        self.app = App(self.settings, clock=self.clock)
        await self.app.start()
        if self.wechat is not None:
            port = self.app.http.port_of(self.settings.wechat.listen)
            self.rider_chat = await connect_wechat(self.wechat, self.settings, port)
        await greet(self.server, self.cast)
        await self.settle()
        if self.with_page:
            page = build_page_app(self.server, self.cast, self.settings)
            if self.wecom is not None and self.crew is not None:
                add_wecom_routes(page, self.wecom, self.crew)
            if self.rider_chat is not None:
                add_wechat_routes(page, self.rider_chat)
            self.page_runner, self.page_url = await start_site(page, self.listen,
                                                               self.listen_fallback)
        return self

    def _storage(self) -> tuple[str, Path]:
        """The database URL and media folder: in the data folder, else a temporary one."""
        if self.data_dir is not None:
            folder = self.data_dir
            folder.mkdir(parents=True, exist_ok=True)
        else:
            self.workdir = folder = Path(tempfile.mkdtemp(prefix="liaison-sandbox-"))
        url = self.database_url or f"sqlite+aiosqlite:///{folder.resolve() / DATABASE_FILE}"
        return url, folder / "media"

    def _bot_settings(self, api_base_url: str, database_url: str, media_dir: Path) -> Settings:
        base = self.base_settings
        limits = FAST_BOT if self.fast else base.telegram.limits
        telegram = base.telegram.model_copy(update={
            "token": SecretStr(self.token), "api_base_url": api_base_url, "mode": "polling",
            "poll_timeout_s": 10, "limits": limits})
        return base.model_copy(update={
            "telegram": telegram,
            "database": base.database.model_copy(update={"url": database_url}),
            "media": base.media.model_copy(update={"dir": media_dir}),
            # Health and metrics of a sandbox are nobody's business: any free port.
            "metrics": base.metrics.model_copy(update={"listen": "127.0.0.1:0"}),
        })

    @property
    def temporary_database(self) -> Path | None:
        """The SQLite file made for this run (removed on exit), if no database was given."""
        if self.database_url is None and self.workdir is not None:
            return self.workdir / DATABASE_FILE
        return None

    @property
    def kept_database(self) -> Path | None:
        """The SQLite file in the data folder, kept after the run."""
        if self.database_url is None and self.data_dir is not None:
            return (self.data_dir / DATABASE_FILE).resolve()
        return None

    @property
    def database_label(self) -> str:
        return make_url(self.settings.database.url).render_as_string(hide_password=True)

    async def stop(self) -> None:
        page, app, server, workdir = self.page_runner, self.app, self.server, self.workdir
        self.page_runner = self.app = self.server = self.workdir = None
        if page is not None:
            await page.cleanup()
        if app is not None:
            await app.stop()
        if server is not None:
            await server.stop()
        if self.wecom is not None:
            await self.wecom.stop()
            self.wecom = None
        if self.wechat is not None:
            await self.wechat.stop()
            self.wechat = None
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    async def __aenter__(self) -> Sandbox:
        try:
            return await self.start()
        except BaseException:
            await self.stop()  # whatever did start, and the temporary folder
            raise

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    # -- waiting, for the demo and tests ---------------------------------------------------

    async def settle(self, within: float = 30.0) -> None:
        """Wait until the bot has taken every update, handled it and sent every reply."""
        assert self.server is not None and self.app is not None
        await self.server.wait_for_no_pending_updates(within=within)
        await self.app.idle(within)

    async def later(self, delta: timedelta) -> None:
        """Let business time pass (fake clock only) and run the scheduled work that fell due."""
        assert isinstance(self.clock, FakeClock) and self.app is not None
        self.clock.advance(delta)
        await self.app.scheduler.tick()
        await self.settle()

