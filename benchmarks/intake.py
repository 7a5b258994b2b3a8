"""Intake benchmarks.

1. The duplicate lookup intake makes for every report (`filing.open_duplicate`: the geohash
   range scans of `find_open_nearby`, then distances) on SQLite files of 10k, 100k and 1M
   tickets, bulk-inserted (not through the bot) over a 75 km² district, 5 % of them open.
   The files are kept in the benchmarks' cache folder (`benchmarks/cache.py`) by size, so
   reruns skip the build.
2. End-to-end intake, a storm of reports on SQLite and PostgreSQL beside the bare aiogram
   bot: see `benchmarks/storm.py` (`python -m benchmarks storm` runs it alone).
3. The same storm on 1, 2 and 4 bot processes sharing one PostgreSQL: see
   `benchmarks/scaleout.py` (`python -m benchmarks scaleout`).
"""

from __future__ import annotations

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

from benchmarks import cache, scaleout, storm
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
from storage.models import TicketRow
from storage.uow import UnitOfWorkFactory
from tests.e2e.harness import GROUP

SIZES = (10_000, 100_000, 1_000_000)
BUILD_VERSION = 3
# A district of about 8.9 km × 8.5 km around the sample areas.
SOUTH, NORTH, WEST, EAST = 39.88, 39.96, 116.40, 116.50
CATEGORIES = ("road", "water", "sanitation", "lighting", "tree", "facility", "other")
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


async def run(quick: bool) -> list[Row]:
    lookups = (200, 100, 30) if quick else (2000, 1000, 300)
    rows = [await lookup_row(size, count) for size, count in zip(SIZES, lookups, strict=True)]
    rows.extend(await storm.run(quick))
    rows.extend(await scaleout.run(quick))
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
