"""Intake benchmarks.

1. The duplicate lookup intake makes for every report (`filing.open_duplicate`: the geohash
   range scans of `find_open_nearby`, then distances) on SQLite files of 10k, 100k and 1M
   tickets, bulk-inserted (not through the bot) over a 75 km² district, 5 % of them open.
   The files are kept in the benchmarks' cache folder (`benchmarks/cache.py`) by size, so
   reruns skip the build.
2. End-to-end intake: riders post reports (a photo, then a location) into the group on the
   local Bot API server; measured from the first post until every ticket is committed with
   its card in the outbox. Beside it, on the same server in the same run, a bare aiogram bot
   that only replies to every message: the ratio is ours ÷ bare.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message as TgMessage
from sqlalchemy import select

from benchmarks import cache
from benchmarks.table import Row, latencies_ms
from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.clock import FakeClock
from handlers.context import Context
from handlers.intake.filing import open_duplicate
from handlers.media import MediaStore
from handlers.services import PeopleService, Services
from storage.cells import cell_of
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import OutboxRow, TicketRow
from storage.uow import UnitOfWorkFactory
from tests.e2e.harness import GROUP, TOKEN, Harness, jpeg, test_settings

SIZES = (10_000, 100_000, 1_000_000)
BUILD_VERSION = 3
# A district of about 8.9 km × 8.5 km around the sample areas.
SOUTH, NORTH, WEST, EAST = 39.88, 39.96, 116.40, 116.50
CATEGORIES = ("road", "water", "sanitation", "lighting", "tree", "facility", "other")
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def run(quick: bool) -> list[Row]:
    lookups = (200, 100, 30) if quick else (2000, 1000, 300)
    rows = [await lookup_row(size, count) for size, count in zip(SIZES, lookups, strict=True)]
    rows.extend(await throughput_rows(reports=60 if quick else 300))
    return rows


# -- 1. the duplicate lookup -------------------------------------------------------------


async def lookup_row(size: int, lookups: int) -> Row:
    started = time.perf_counter()
    path, built = tickets_database(size)
    build_s = time.perf_counter() - started
    settings = load_settings(SAMPLE_CONFIG)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    uows = UnitOfWorkFactory(session_factory(engine))
    directory = wiring.directory(settings)
    services = Services(rules=wiring.rules(settings), areas=wiring.router(settings),
                        media=MediaStore(Path(tempfile.gettempdir())), people=PeopleService())
    rng = random.Random(size)
    samples: list[float] = []
    found = 0
    async with uows(read_only=True) as uow:
        ctx = Context(uow=uow, clock=FakeClock(NOW), directory=directory, services=services,
                      now=NOW)
        for index in range(lookups + 50):
            lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
            category = CATEGORIES[index % len(CATEGORIES)]
            began = time.perf_counter()
            original = await open_duplicate(ctx, category, lat, lon)
            if index >= 50:  # the first ones warm the page cache
                samples.append(time.perf_counter() - began)
                found += original is not None
    await engine.dispose()
    p50, p99 = latencies_ms(samples)
    how = f"built in {build_s:.1f} s" if built else f"cached {path.name}"
    return Row(f"duplicate lookup: {size:,} tickets", throughput=len(samples) / sum(samples),
               unit="lookups/s", p50_ms=p50, p99_ms=p99,
               notes=f"{found} of {len(samples)} found an open duplicate within 50 m; {how}")


def tickets_database_path(size: int) -> Path:
    return cache.path(f"liaison-intake-bench-v{BUILD_VERSION}-{size}.db")


def tickets_database(size: int) -> tuple[Path, bool]:
    path = tickets_database_path(size)
    if path.exists():
        return path, False
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{partial}"
    upgrade(url)
    with contextlib.closing(sqlite3.connect(partial)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                             "AND tbl_name = 'tickets' AND sql IS NOT NULL").fetchall()
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        columns, rows, events = ticket_rows(size)
        marks = ", ".join("?" * len(columns))
        db.executemany(f"INSERT INTO tickets ({', '.join(columns)}) VALUES ({marks})", rows)
        db.executemany("INSERT INTO ticket_events (ticket_id, seq, kind, at, actor_id, "
                       "actor_name, from_status, to_status, note, data) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        for _, sql in indexes:
            db.execute(sql)
        db.commit()
    partial.rename(path)
    return path, True


def ticket_rows(size: int) -> tuple[list[str], Any, Any]:
    """The tickets' columns and rows, and the event logs of the open ones (the only ones a
    lookup loads)."""
    rng = np.random.default_rng(size)
    lats = rng.uniform(SOUTH, NORTH, size)
    lons = rng.uniform(WEST, EAST, size)
    categories = np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), size)]
    open_ = rng.random(size) < 0.05
    start = (NOW - timedelta(days=3 * 365)).replace(tzinfo=None)
    seconds = np.sort(rng.integers(0, 3 * 365 * 86400, size))
    moments = (np.datetime64(start) + seconds.astype("timedelta64[s]")).astype(str)
    times = np.char.replace(moments, "T", " ")
    numbers = np.arange(1, size + 1)
    varying = {
        "id": numbers.tolist(), "number": numbers.tolist(), "message_id": numbers.tolist(),
        "status": np.where(open_, "assigned", "closed").tolist(),
        "category_id": categories.tolist(), "lat": lats.tolist(), "lon": lons.tolist(),
        "cell": geohash_cells(lats, lons).tolist(), "reported_at": times.tolist(),
        "updated_at": times.tolist(),
    }
    fixed = {
        "department_id": "district", "reporter_id": 3001, "reporter_name": "骑手",
        "chat_id": GROUP, "accuracy_m": None, "address": "", "description": "路面鼓包",
        "has_photo": 1, "forwarded_from": "", "close_reason": "", "reporter_count": 1,
        "ack_escalation": 0, "resolve_reminder": 0, "version": 2,
    }
    columns = _insertable_columns({**varying, **fixed})
    values = [varying[c] if c in varying else [fixed.get(c, _default(c))] * size
              for c in columns]

    def events() -> Any:
        for i in np.flatnonzero(open_).tolist():
            at = varying["reported_at"][i]
            created = {"number": i + 1, "chat_id": GROUP, "message_id": i + 1,
                       "lat": varying["lat"][i], "lon": varying["lon"][i], "accuracy_m": None,
                       "description": fixed["description"], "has_photo": True, "address": "",
                       "category_id": varying["category_id"][i], "forwarded_from": ""}
            yield (i + 1, 0, "created", at, 3001, "骑手", None, "new", "",
                   json.dumps(created, ensure_ascii=False))
            yield (i + 1, 1, "assign", at, None, "system", "new", "assigned", "",
                   json.dumps({"department_id": "district"}))

    return columns, zip(*values, strict=True), events()


def _insertable_columns(known: dict[str, Any]) -> list[str]:
    """Every column we set, and every other column that may not be empty."""
    table = TicketRow.__table__
    return [c.name for c in table.columns if c.name in known or not c.nullable]


def _default(column: str) -> Any:
    default = TicketRow.__table__.columns[column].default
    return getattr(default, "arg", None) if default is not None else 0


def geohash_cells(lats: Any, lons: Any) -> Any:
    """`storage.cells.cell_of` for many points at once: the same bisection, bit for bit."""
    lon_bits, lat_bits = 23, 22

    def index(values: Any, lo: float, hi: float, bits: int) -> Any:
        low = np.full(values.shape, lo)
        high = np.full(values.shape, hi)
        result = np.zeros(values.shape, dtype=np.int64)
        for _ in range(bits):
            mid = (low + high) / 2
            upper = values >= mid
            result = (result << 1) | upper
            low = np.where(upper, mid, low)
            high = np.where(upper, high, mid)
        return result

    cols = index(lons, -180.0, 180.0, lon_bits)
    rows = index(lats, -90.0, 90.0, lat_bits)
    code = np.zeros(lats.shape, dtype=np.int64)
    for i in range(lon_bits + lat_bits):
        source, width = (cols, lon_bits) if i % 2 == 0 else (rows, lat_bits)
        code = (code << 1) | ((source >> (width - 1 - i // 2)) & 1)
    for k in range(0, len(lats), max(1, len(lats) // 500)):
        assert int(code[k]) == cell_of(float(lats[k]), float(lons[k])), "cells disagree"
    return code


# -- 2. end-to-end intake ----------------------------------------------------------------


async def throughput_rows(reports: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite+aiosqlite:///{Path(workdir) / 'intake.db'}"
        await asyncio.to_thread(upgrade, url)
        harness = Harness(url, Path(workdir), FakeClock(NOW))
        server = harness.server
        await server.start()
        try:
            harness._populate()
            riders = list(range(6000, 6000 + reports))
            for rider in riders:
                server.register_user(rider, f"骑手{rider - 6000}", language_code="zh")
            photo = jpeg()
            bare_s, bare_latencies = await bare_bot(harness, riders, photo)
            harness.settings = test_settings(url, Path(workdir) / "media", server.base_url)
            await harness.start_bot()
            ours_s, ours_latencies = await liaison_bot(harness, riders, photo)
        finally:
            await harness.stop()
    ours, bare = reports / ours_s, reports / bare_s
    p50, p99 = latencies_ms(ours_latencies)
    bare_p50, bare_p99 = latencies_ms(bare_latencies)
    return [
        Row(f"intake end to end: {reports} reports (photo + location)", throughput=ours,
            unit="reports/s", p50_ms=p50, p99_ms=p99, ratio=ours / bare,
            ratio_of="of the bare bot",
            notes="from the first post to every ticket committed with its card in the "
                  "outbox; SQLite, one worker; latency per report from its location"),
        Row(f"bare aiogram bot: {reports} reports, a reply to each message", throughput=bare,
            unit="reports/s", p50_ms=bare_p50, p99_ms=bare_p99,
            notes="same local Bot API server, same run; until every reply is delivered"),
    ]


def _where(index: int) -> tuple[float, float]:
    """Places 200 m apart, so no report duplicates another."""
    return 39.9010 + 0.0018 * (index % 20), 116.4310 + 0.0024 * (index // 20)


async def _post_reports(harness: Harness, riders: list[int],
                        photo: bytes) -> list[tuple[int, int, float]]:
    """Every rider posts a photo, then a location: (photo id, location id, when posted)."""
    posted = []
    for index, rider in enumerate(riders):
        sent = await harness.server.post_photo(GROUP, rider, photo, "路面鼓包")
        where = await harness.server.post_location(GROUP, rider, *_where(index))
        posted.append((sent.message_id, where.message_id, time.perf_counter()))
    return posted


async def bare_bot(harness: Harness, riders: list[int], photo: bytes) -> tuple[float,
                                                                              list[float]]:
    server = harness.server
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
    dispatcher = Dispatcher()
    answered: dict[int, float] = {}
    everything = asyncio.Event()

    @dispatcher.message()
    async def reply(message: TgMessage) -> None:
        await message.answer("ok")
        answered[message.message_id] = time.perf_counter()
        if len(answered) == 2 * len(riders):
            everything.set()

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False,
                                                           polling_timeout=1))
    try:
        started = time.perf_counter()
        posted = await _post_reports(harness, riders, photo)
        await asyncio.wait_for(everything.wait(), 120)
        elapsed = time.perf_counter() - started
        # A report is answered when the reply to its location is out.
        latencies = [answered[location] - at for _, location, at in posted]
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.delete_webhook(drop_pending_updates=True)
        await bot.session.close()
    return elapsed, latencies


async def liaison_bot(harness: Harness, riders: list[int], photo: bytes) -> tuple[float,
                                                                                 list[float]]:
    app = harness.app
    assert app is not None
    started = time.perf_counter()
    posted = await _post_reports(harness, riders, photo)
    filed: dict[int, float] = {}
    while len(filed) < len(riders):
        async with app.uows(read_only=True) as uow:
            cards = await uow.execute(select(OutboxRow.payload)
                                      .where(OutboxRow.ref.like("card:%")))
            now = time.perf_counter()
            for (payload,) in cards.all():
                # The card answers the report's photo.
                filed.setdefault(int(payload["reply_to"]["message_id"]), now)
        await asyncio.sleep(0.01)
    elapsed = max(filed.values()) - started
    return elapsed, [filed[photo] - at for photo, _, at in posted]
