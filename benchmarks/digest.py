"""The digest on a large database: 1M tickets with their events (100k with --quick).

The SQLite file is built with INSERT … SELECT over a recursive CTE (indexes dropped during the
load, then rebuilt) and kept in the benchmarks' cache folder (`benchmarks/cache.py`) by size,
so reruns skip the build. The digest is timed
through the real code path (figures, text, chart, outbox rows, in a unit of work that is rolled
back), beside the bare aggregate SQL it ran, replayed on a plain sqlite3 connection.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from benchmarks import cache
from benchmarks.table import PeakMemory, Row
from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from domain.clock import FakeClock
from domain.period import parse_period, yesterday
from handlers.context import Context
from handlers.digest.delivery import send_chart, send_figures
from handlers.digest.jobs import send_daily_digests
from handlers.media import MediaStore
from handlers.services import Services
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.queries.scope import EVERYTHING, Scope
from storage.uow import UnitOfWorkFactory

FULL, QUICK = 1_000_000, 100_000
PER_DAY = 1400  # reports a day, whatever the size: a bigger database only reaches back further
BUILD_VERSION = 2
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 2, 8, 30, tzinfo=TZ).astimezone(UTC)
DONGHU = -1001000000001

# (id, department, ack minutes, resolve hours) as in the sample configuration.
CATEGORIES = [("road", "roads", 30, 24), ("water", "water", 30, 24),
              ("sanitation", "sanitation", 120, 48), ("lighting", "roads", 120, 72),
              ("tree", "sanitation", 60, 48), ("facility", "donghu-volunteers", 240, 168),
              ("other", "district", 240, 360)]


async def run(quick: bool) -> list[Row]:
    size = QUICK if quick else FULL
    started = time.perf_counter()
    path, built = database(size)
    build_s = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [Row(f"digest data: {size:,} tickets", notes=(
        f"built in {build_s:.1f} s" if built else f"cached {path.name}")
        + f"; process max RSS before the digests {rss_mb:.0f} MB")]
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    statements: list[tuple[str, Any]] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)))
    with tempfile.TemporaryDirectory() as media:
        bench = _Digests(UnitOfWorkFactory(session_factory(engine)), Path(media))
        await bench.in_context(bench.group_digest)  # warm up: imports, font, page cache
        for name, work in (("digest: one group, day, text only", bench.group_text),
                           ("digest: one group, day + chart", bench.group_digest),
                           ("digest job: 7 chats, day + charts", bench.daily_job),
                           ("stats: whole district, month", bench.district_month)):
            rows.append(await measure(name, lambda w=work: bench.in_context(w), statements,
                                      path, repeats=3 if quick else 5))
    await engine.dispose()
    rows.append(await own_process_memory(path))
    return rows


async def own_process_memory(path: Path) -> Row:
    """The daily job's peak memory in a fresh process, beside a process that only loads."""
    async def peak(mode: str) -> float:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "benchmarks.digest_rss", str(path), mode,
            stdout=asyncio.subprocess.PIPE)
        out, _ = await child.communicate()
        return float(out.decode().strip().splitlines()[-1])

    baseline, job = await peak("baseline"), await peak("job")
    return Row("digest job memory, own process", peak_mb=job,
               notes=f"peak RSS {job:.0f} MB; {baseline:.0f} MB of it is the loaded bot and "
                     f"libraries, so the seven digests with charts add {job - baseline:.0f} MB")


class _Digests:
    """The digest's real code path, each run in a unit of work that is never committed."""

    def __init__(self, uows: UnitOfWorkFactory, media: Path) -> None:
        settings = load_settings(SAMPLE_CONFIG, check_areas=False)
        self.uows = uows
        self.directory = wiring.directory(settings)
        self.services = Services(rules=wiring.rules(settings), areas=None,  # type: ignore[arg-type]
                                 media=MediaStore(media), people=None)  # type: ignore[arg-type]

    async def in_context(self, work: Callable[[Context], Awaitable[Any]]) -> None:
        async with self.uows() as uow:
            await work(Context(uow=uow, clock=FakeClock(NOW), directory=self.directory,
                               services=self.services, now=NOW))

    async def group_text(self, ctx: Context) -> None:
        await send_figures(ctx, DONGHU, Scope(chat_id=DONGHU), yesterday(NOW, TZ), "day",
                           ctx.texts)

    async def group_digest(self, ctx: Context) -> None:
        figures = await send_figures(ctx, DONGHU, Scope(chat_id=DONGHU), yesterday(NOW, TZ),
                                     "day", ctx.texts)
        await send_chart(ctx, DONGHU, Scope(chat_id=DONGHU), figures.as_of, ctx.texts)

    async def daily_job(self, ctx: Context) -> None:
        while await send_daily_digests(ctx):
            pass

    async def district_month(self, ctx: Context) -> None:
        await send_figures(ctx, 0, EVERYTHING, parse_period("month", NOW, TZ), "stats",
                           ctx.texts)


async def measure(name: str, call: Callable[[], Awaitable[None]],
                  statements: list[tuple[str, Any]], path: Path, repeats: int) -> Row:
    # Tracing allocations slows Python down: memory is measured in a run of its own.
    with PeakMemory() as memory:
        await call()
    times = []
    for _ in range(repeats):
        statements.clear()
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    queries = [(sql, params) for sql, params in statements
               if sql.lstrip().startswith(("SELECT", "WITH"))]
    bare = await asyncio.to_thread(bare_sql_seconds, path, queries, repeats)
    median = statistics.median(times)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Row(name, throughput=1 / median, unit="digest/s", p50_ms=median * 1000,
               p99_ms=max(times) * 1000, peak_mb=memory.peak_mb, ratio=median / bare,
               ratio_of="of bare SQL",
               notes=f"{len(queries)} queries, bare SQL {bare * 1000:.0f} ms; "
                     f"process max RSS {rss_mb:.0f} MB")


def bare_sql_seconds(path: Path, queries: list[tuple[str, Any]], repeats: int) -> float:
    """The same SELECTs on a plain connection, median of a few rounds."""
    connection = sqlite3.connect(path)
    try:
        rounds = []
        for _ in range(repeats):
            started = time.perf_counter()
            for sql, params in queries:
                connection.execute(sql, params).fetchall()
            rounds.append(time.perf_counter() - started)
        return statistics.median(rounds)
    finally:
        connection.close()


def database_path(size: int) -> Path:
    return cache.path(f"liaison-bench-digest-{size}-v{BUILD_VERSION}.db")


def database(size: int) -> tuple[Path, bool]:
    path = database_path(size)
    if path.exists():
        return path, False
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    upgrade(f"sqlite+aiosqlite:///{partial}")
    fill(partial, size)
    partial.replace(path)
    return path, True


def _at(seconds: str) -> str:
    """SQL for an epoch-seconds expression as stored text (the format SQLAlchemy writes)."""
    return f"(strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch') || '.000000')"


def _opt(condition: str, seconds: str) -> str:
    return f"CASE WHEN {condition} THEN {_at(seconds)} END"


# Per ticket, from a hash of its index: a category, delays to acknowledge (5-95 min) and to
# resolve (1-73 h), and an outcome: 2 % rejected, 2 % marked duplicate, 0.1 % stuck without
# an answer, the rest worked on; recent tickets are still open. 60 % of closed ones are rated.
_TICKETS_SQL = f"""
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :n - 1),
cats(k, id, dept, ack_s, res_s) AS (VALUES {{cats}}),
base AS (
  SELECT i, CAST(:first + i * :step AS INTEGER) AS rep, (i * 2654435761) % 4294967296 AS h
  FROM seq),
plan AS (
  SELECT b.i, b.rep, b.h, c.id AS cat, c.dept, c.ack_s AS ack_window, c.res_s AS res_window,
         b.rep + 300 + (b.h / 7) % 5400 AS ack, b.rep + 3600 + (b.h / 37813) % 259200 AS res,
         (b.h / 101) % 100 AS pct, (b.h / 7919) % 1000 AS stuck
  FROM base b JOIN cats c ON c.k = b.h % 7),
fate AS (
  SELECT *, CASE WHEN pct < 2 THEN 'rejected' WHEN pct < 4 THEN 'duplicate'
                 WHEN stuck = 0 THEN 'stuck' ELSE 'worked' END AS outcome FROM plan),
timed AS (
  SELECT *, CASE WHEN outcome = 'worked' AND ack <= :now THEN ack END AS acked,
         CASE WHEN outcome = 'worked' AND res <= :now THEN res END AS resolved,
         CASE WHEN outcome IN ('rejected', 'duplicate') AND rep + 600 <= :now THEN rep + 600
              WHEN outcome = 'worked' AND res + 172800 <= :now THEN res + 172800 END AS closed
  FROM fate)
INSERT INTO tickets (id, number, status, category_id, department_id, reporter_id,
  reporter_name, chat_id, message_id, lat, lon, accuracy_m, cell, address, description,
  has_photo, forwarded_from, assignee_id, assignee_name, reported_at, assigned_at,
  acknowledged_at, resolved_at, closed_at, ack_due_at, resolve_due_at, close_reason,
  duplicate_of, reporter_count, rating, rated_at, ack_escalation, resolve_reminder,
  updated_at, version)
SELECT i + 1, i + 1,
  CASE WHEN closed IS NOT NULL AND outcome != 'worked' THEN outcome
       WHEN closed IS NOT NULL THEN 'closed' WHEN resolved IS NOT NULL THEN 'resolved'
       WHEN acked IS NOT NULL THEN 'in_progress' ELSE 'assigned' END,
  cat, dept, 3000 + h % 5000, '骑手' || (h % 5000), CASE i % 2 WHEN 0 THEN {DONGHU}
  ELSE {DONGHU - 1} END, i + 1, 39.92, 116.47, 10.0, NULL, '', '路面鼓包', 1, '',
  CASE WHEN acked IS NOT NULL THEN 2001 END, CASE WHEN acked IS NOT NULL THEN '张师傅' END,
  {_at("rep")}, {_at("rep")}, {_opt("acked IS NOT NULL", "acked")},
  {_opt("resolved IS NOT NULL", "resolved")}, {_opt("closed IS NOT NULL", "closed")},
  {_at("rep + ack_window")}, {_at("rep + res_window")},
  CASE WHEN closed IS NOT NULL AND outcome = 'worked' THEN 'verified'
       WHEN closed IS NOT NULL THEN outcome ELSE '' END,
  NULL, 1,
  CASE WHEN closed IS NOT NULL AND outcome = 'worked' AND pct BETWEEN 10 AND 69 THEN
       CASE pct % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'basically_satisfied'
       ELSE 'dissatisfied' END END,
  {_opt("closed IS NOT NULL AND outcome = 'worked' AND pct BETWEEN 10 AND 69",
        "resolved + 3600")},
  0, 0, {_at("COALESCE(closed, resolved, acked, rep)")}, 4
FROM timed
"""

# (seq, kind, when it happened, whether it happened): the log each ticket's row implies.
_EVENTS = [
    (0, "created", "reported_at", "1"), (1, "assign", "reported_at", "1"),
    (2, "acknowledge", "acknowledged_at", "acknowledged_at IS NOT NULL"),
    (3, "resolve", "resolved_at", "resolved_at IS NOT NULL"),
    (4, "close", "closed_at", "status = 'closed'"),
    (5, "rated", "rated_at", "rating IS NOT NULL"),
    (2, "reject", "closed_at", "status = 'rejected'"),
    (2, "mark_duplicate", "closed_at", "status = 'duplicate'"),
]


def fill(path: Path, size: int) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        indexes = connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('tickets', 'ticket_events')").fetchall()
        for (sql,) in indexes:
            connection.execute("DROP INDEX " + sql.split(" ON ")[0].split()[-1])
        connection.execute("BEGIN")
        cats = ", ".join(f"({k}, '{c}', '{d}', {a * 60}, {r * 3600})"
                         for k, (c, d, a, r) in enumerate(CATEGORIES))
        step = 86400 / PER_DAY
        connection.execute(_TICKETS_SQL.replace("{cats}", cats), {
            "n": size, "first": NOW.timestamp() - size * step, "step": step,
            "now": NOW.timestamp()})
        for seq, kind, at, happened in _EVENTS:
            person = "reporter" if kind in ("created", "rated") else "assignee"
            actor_id = "NULL" if kind == "assign" else f"{person}_id"
            actor_name = "'system'" if kind == "assign" else f"COALESCE({person}_name, '张师傅')"
            data = """'{"rating": "' || rating || '"}'""" if kind == "rated" else "'{}'"
            connection.execute(
                "INSERT INTO ticket_events (ticket_id, seq, kind, at, actor_id, actor_name, "
                "from_status, to_status, note, data) "
                f"SELECT id, {seq}, '{kind}', {at}, {actor_id}, {actor_name}, NULL, NULL, '', "
                f"{data} FROM tickets WHERE {happened}")
        connection.execute(
            "INSERT INTO ticket_followers (ticket_id, user_id, name, chat_id, message_id, "
            "joined_at) SELECT id, reporter_id, reporter_name, chat_id, message_id, "
            "reported_at FROM tickets")
        connection.execute(
            "INSERT INTO users (user_id, first_name, last_name, username, language, "
            "private_chat, updated_at) SELECT DISTINCT reporter_id, reporter_name, '', '', "
            "'zh', 0, '2026-01-01 00:00:00.000000' FROM tickets")
        connection.execute("COMMIT")
        for (sql,) in indexes:
            connection.execute(sql)
    finally:
        connection.close()
