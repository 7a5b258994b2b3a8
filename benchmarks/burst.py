"""A burst of reports into one group under Telegram's real limits.

Two hundred riders report within a minute. The group may receive twenty messages a minute,
so one card per report is impossible; every reporter must still learn their ticket number
within a minute, without the platform refusing a single message.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App
from bot.localapi import LocalBotApi
from bot.localapi.limits import FloodLimits
from bot.settings import SAMPLE_CONFIG, Settings, load_settings
from domain.identity import native_of
from storage.models import TicketRow

TOKEN = "710000002:BURST"
NUMBER = re.compile(r"#(\d{4})")


@dataclass
class BurstResult:
    reports: int
    seconds_to_last: float
    latencies: list[float]
    group_messages: int
    merged_lines: int
    violations: int
    unanswered: list[int] = field(default_factory=list)


def burst_settings(database_url: str, media_dir: Path, api_base_url: str) -> Settings:
    base = load_settings(SAMPLE_CONFIG)
    telegram = base.telegram.model_copy(update={"token": SecretStr(TOKEN),
                                                "api_base_url": api_base_url})
    return base.model_copy(update={
        "telegram": telegram,
        "database": base.database.model_copy(update={"url": database_url}),
        "media": base.media.model_copy(update={"dir": media_dir}),
    })


async def run_burst(database_url: str, workdir: Path, reports: int = 200,
                    spread_s: float = 30.0, seed: int = 7) -> BurstResult:
    rng = random.Random(seed)
    server = LocalBotApi(token=TOKEN, limits=FloodLimits(), bot_username="liaison_bot",
                         can_read_all_group_messages=True)
    await server.start()
    settings = burst_settings(database_url, workdir / "media", server.base_url)
    # The configuration names chats by address; the local server knows Telegram's ids.
    group_address = settings.groups[0].chat_id
    group = int(native_of(group_address))
    riders = list(range(5000, 5000 + reports))
    for rider in riders:
        server.register_user(rider, f"骑手{rider - 5000}", language_code="zh")
    for address in [g.chat_id for g in settings.groups] + [
            d.chat_id for d in settings.departments if d.chat_id] + [settings.admins.chat_id]:
        chat_id = int(native_of(address))
        server.create_group(chat_id, str(chat_id), bot_status="administrator",
                            members=dict.fromkeys(riders, "member"))
    app = App(settings)
    await app.start()
    first_seen: dict[int, float] = {}
    feed = server.world.feed.subscribe()

    async def watch() -> None:
        while True:
            event = await feed.get()
            if event.chat_id != group or event.type not in ("message", "edited"):
                continue
            message = event.data.get("message") or {}
            if not (message.get("from") or {}).get("is_bot"):
                continue
            text = message.get("text") or message.get("caption") or ""
            for found in NUMBER.findall(text):
                first_seen.setdefault(int(found), time.perf_counter())

    watcher = asyncio.create_task(watch())
    posted: dict[int, float] = {}
    started = time.perf_counter()
    try:
        for index, rider in enumerate(riders):
            await asyncio.sleep(rng.uniform(0, 2 * spread_s / reports))
            lat = 39.9010 + 0.0008 * (index % 40)
            lon = 116.4310 + 0.0011 * (index // 40)
            sent = await server.post_venue(group, rider, lat, lon, f"路面鼓包 {index}", "东湖路")
            posted[sent.message_id] = time.perf_counter()
        numbers = await _numbers_of(app, group_address)
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            numbers = await _numbers_of(app, group_address)
            if len(numbers) == reports and all(n in first_seen for n in numbers.values()):
                break
            await asyncio.sleep(0.05)
        latencies = [first_seen[n] - posted[m] for m, n in numbers.items() if n in first_seen]
        unanswered = sorted(n for n in numbers.values() if n not in first_seen)
        last = max(first_seen.values(), default=started)
        return BurstResult(
            reports=reports,
            seconds_to_last=last - started,
            latencies=latencies,
            group_messages=len(server.bot_messages(group)),
            merged_lines=app.sender.merged_count,
            violations=server.flood_violations,
            unanswered=unanswered + [0] * (reports - len(numbers)),
        )
    finally:
        watcher.cancel()
        server.world.feed.unsubscribe(feed)
        await app.stop()
        await server.stop()


async def _numbers_of(app: App, group: str) -> dict[int, int]:
    """Report message id → ticket number, for the reports filed so far."""
    async with app.uows(read_only=True) as uow:
        rows = await uow.execute(select(TicketRow.message_id, TicketRow.number)
                                 .where(TicketRow.chat_id == group))
        return {int(m): int(n) for m, n in rows.all()}
