"""The whole bot, over real HTTP, against the local Bot API server, on a fake business clock.

The bot is the production `App` (real aiogram, real database, real APScheduler); people are
driven through the local server's client API. Pacing limits are scaled down on both sides so
tests run fast; the flood tests use Telegram's real numbers.
"""

from __future__ import annotations

import asyncio
import gc
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

from PIL import Image

from bot.app import App
from bot.localapi import LocalBotApi
from bot.localapi.limits import FloodLimits
from bot.localapi.models import StoredMessage
from bot.settings import SAMPLE_CONFIG, RateLimits, Settings, load_settings
from domain.clock import FakeClock

TOKEN = "710000001:LIAISON-TEST"
GROUP = -1001000000001  # 东湖社区联络群
OTHER_GROUP = -1001000000002  # 西坝社区联络群
ROADS_CHAT = -1002000000001
SANITATION_CHAT = -1002000000002
WATER_CHAT = -1002000000003
VOLUNTEER_CHAT = -1002000000004
DISTRICT_CHAT = -1002000000005
ADMIN_CHAT = -1009000000001

RIDER = 3001
RIDER_2 = 3002
STRANGER = 3999
ROADS_STAFF = 2001
ROADS_BACKUP = 2002
ROADS_SUPERVISOR = 2009
SANITATION_STAFF = 2101
ADMIN = 9001



def tg(native: int) -> str:
    """The address the bot knows a Telegram chat or user by (what it stores)."""
    return f"telegram:{native}"


# Inside Donghu (east community); the road-bulge story happened here.
DONGHU = (39.9215, 116.4712)
XIBA = (39.9168, 116.4436)
OUTSIDE = (40.5, 117.5)

PEOPLE = {
    RIDER: ("小李", "Li", "rider_li"),
    RIDER_2: ("老王", None, "wang"),
    STRANGER: ("路人", None, None),
    ROADS_STAFF: ("张师傅", None, "zhang"),
    ROADS_BACKUP: ("李师傅", None, None),
    ROADS_SUPERVISOR: ("王科长", None, None),
    SANITATION_STAFF: ("赵阿姨", None, None),
    2201: ("周师傅", None, None),
    2301: ("冯大爷", None, None),
    2401: ("卫科员", None, None),
    ADMIN: ("值班员", None, None),
}

# Where the bot's own code lives: what a crash of its process stops (the local server runs in
# the same event loop and must carry on).
_ROOT = Path(__file__).resolve().parents[2]
_BOT_CODE = tuple(str(_ROOT / name) for name in ("bot", "handlers", "storage", "messaging",
                                                   "domain"))
_SERVER_CODE = str(_ROOT / "bot" / "localapi")

FAST_SERVER = FloodLimits(per_chat_per_second=1000, per_group_per_minute=60000,
                          global_per_second=10000)
FAST_BOT = RateLimits(per_chat_interval_s=0.001, group_per_minute=50000, global_per_second=5000)


def jpeg(color: tuple[int, int, int] = (200, 120, 40), size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_settings(database_url: str, media_dir: Path, api_base_url: str,
                  **sections: dict[str, Any]) -> Settings:
    base = load_settings(SAMPLE_CONFIG)
    telegram = base.telegram.model_copy(update={
        "token": TOKEN, "api_base_url": api_base_url, "poll_timeout_s": 10,
        "limits": sections.pop("limits", FAST_BOT),
        **sections.pop("telegram", {}),
    })
    from pydantic import SecretStr

    telegram = telegram.model_copy(update={"token": SecretStr(TOKEN)})
    update: dict[str, Any] = {
        "telegram": telegram,
        "database": base.database.model_copy(update={"url": database_url}),
        "media": base.media.model_copy(update={"dir": media_dir}),
    }
    # Tests that are not about them meet neither the per-reporter limit nor a fixed port.
    sections["intake"] = {"reporter_limit_per_hour": 0, **sections.get("intake", {})}
    sections["metrics"] = {"listen": "127.0.0.1:0", **sections.get("metrics", {})}
    for name, values in sections.items():
        update[name] = getattr(base, name).model_copy(update=values)
    return base.model_copy(update=update)


class Harness:
    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock, *,
                 server_limits: FloodLimits = FAST_SERVER, **sections: dict[str, Any]) -> None:
        self.database_url = database_url
        self.tmp_path = tmp_path
        self.clock = clock
        self.server = LocalBotApi(token=TOKEN, clock=clock, limits=server_limits,
                                  bot_username="liaison_bot",
                                  can_read_all_group_messages=True)
        self.sections = sections
        self.app: App | None = None

    async def start(self, before_bot: Callable[[LocalBotApi], None] | None = None) -> Harness:
        await self.server.start()
        self._populate()
        if before_bot is not None:
            before_bot(self.server)
        self.settings = test_settings(self.database_url, self.tmp_path / "media",
                                      self.server.base_url, **self.sections)
        await self.start_bot()
        return self

    async def start_bot(self, **options: Any) -> App:
        self.app = App(self.settings, clock=self.clock, **options)
        await self.app.start()
        return self.app

    async def crash_bot(self) -> None:
        """The bot's process dies at once, as under SIGKILL: each of its tasks stops where it
        is, with no step finished, no message in mid-send waited for and no lease given back
        (the database drops what was not committed). Then what the operating system would
        reclaim is let go: sockets, connections, the scheduler's thread."""
        assert self.app is not None
        app, self.app = self.app, None
        this = asyncio.current_task()
        for _ in range(20):
            tasks = [task for task in asyncio.all_tasks()
                     if task is not this and not task.done() and _runs_bot_code(task)]
            if not tasks:
                break
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=2)
        await app.stop()  # every task is gone: this only releases resources
        # What the killed tasks held (connections, coroutines) is reclaimed now, with its
        # finalizers, rather than by a later collection in the middle of another test.
        gc.collect()

    async def restart_bot(self) -> App:
        assert self.app is not None
        await self.app.stop()
        return await self.start_bot()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
        await self.server.stop()

    def _populate(self) -> None:
        for user_id, (first, last, username) in PEOPLE.items():
            self.server.register_user(user_id, first, last, username, "zh")
        groups = [(GROUP, "东湖社区联络群"), (OTHER_GROUP, "西坝社区联络群"),
                  (ROADS_CHAT, "道路养护所"), (SANITATION_CHAT, "环卫所"),
                  (WATER_CHAT, "供排水抢修队"), (VOLUNTEER_CHAT, "东湖志愿维修队"),
                  (DISTRICT_CHAT, "街道综合办"), (ADMIN_CHAT, "管理员")]
        for chat_id, title in groups:
            self.server.create_group(chat_id, title, bot_status="administrator",
                                     members={uid: "member" for uid in PEOPLE})

    # -- acting and waiting ----------------------------------------------------------------

    async def settle(self, within: float = 30.0) -> None:
        """Wait until the bot has taken every update, handled it and sent every reply."""
        assert self.app is not None
        await self.server.wait_for_no_pending_updates(within=within)
        await self.app.idle(within)

    async def later(self, delta: timedelta) -> None:
        """Let business time pass and run whatever scheduled work fell due."""
        assert self.app is not None
        self.clock.advance(delta)
        await self.app.scheduler.tick()
        await self.settle()

    async def report(self, user_id: int = RIDER, chat_id: int = GROUP,
                     caption: str = "路面鼓包", where: tuple[float, float] = DONGHU,
                     photo: bytes | None = None) -> StoredMessage:
        """The usual two-message report: a photo with a caption, then a location."""
        sent = await self.server.post_photo(chat_id, user_id, photo or jpeg(), caption)
        await self.server.post_location(chat_id, user_id, *where)
        await self.settle()
        return sent

    def bot_texts(self, chat_id: int) -> list[str]:
        return [m.text or m.caption or "" for m in self.server.bot_messages(chat_id)]

    def find(self, chat_id: int, needle: str) -> StoredMessage:
        for message in self.server.bot_messages(chat_id):
            if needle in (message.text or message.caption or ""):
                return message
        raise AssertionError(f"no bot message with {needle!r} in {chat_id}: "
                             f"{self.bot_texts(chat_id)}")

    def card(self, number: int, chat_id: int = GROUP) -> StoredMessage:
        """The card of a ticket: the first bot message naming it with buttons."""
        label = f"#{number:04d}"
        for message in self.server.bot_messages(chat_id):
            if (message.text or message.caption or "").split("\n")[0].find(label) >= 0 \
                    and message.inline_keyboard:
                return message
        raise AssertionError(f"no card for {label} in {chat_id}: {self.bot_texts(chat_id)}")

    def replies_to(self, chat_id: int, message_id: int) -> list[str]:
        return [m.text or m.caption or "" for m in self.server.bot_messages(chat_id)
                if m.reply_to_message_id == message_id]

    async def ticket(self, number: int) -> Any:
        assert self.app is not None
        async with self.app.uows(read_only=True) as uow:
            return await uow.tickets.get(number)

    async def count(self, predicate: Callable[[Any], bool] | None = None) -> int:
        assert self.app is not None
        async with self.app.uows(read_only=True) as uow:
            return await uow.tickets.count()


def _runs_bot_code(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    where = code.co_filename if code is not None else ""
    return where.startswith(_BOT_CODE) and not where.startswith(_SERVER_CODE)
