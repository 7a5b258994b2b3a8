"""A storm of reports: what a rider feels when hundreds report at once.

Riders post reports (a photo, then a location) into the group on the local Bot API server as
fast as they can. Measured, with the platform's pace lifted on both sides so that the bot, not
Telegram's limits, is what is timed:

- reports/s from the first post until every ticket is committed, and p50/p99 per report (from
  its location to its ticket's commit);
- reports/s and p50/p99 until every message the reports cause is delivered (the location
  prompt, the card, the department's announcement);
- CPU ms per report of the whole process (the local server runs in it too: the bare bot's row
  shows that share), SQL statements and transactions per report, counted on the bot's engine
  with SQLAlchemy's events and split by the worker that ran them.

A burst (every report posted at once) times the bot at its limit. Riders are people between
deliveries, and a storm's reports come over minutes, so the same reports are also posted at a
steady rate (`STEADY_RATES`) into a database of their own: p50/p99 per report there is the
wait a rider feels in a storm, and the CPU share is the headroom left.

The completion checks use an engine of their own (not counted) and only read what is new:
tickets above the last id seen, a count of undelivered outbox rows. Beside each run, on the
same server in the same run, a bare aiogram bot that replies to every message: the ratio is
ours ÷ bare. SQLite always; PostgreSQL when `LIAISON_BENCH_DATABASE_URL` (or
`LIAISON_TEST_DATABASE_URL`) names a server, in a database made for the run and dropped after.
"""

from __future__ import annotations

import asyncio
import gc
import os
import re
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message as TgMessage
from sqlalchemy import Engine, event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.table import Row, latencies_ms
from bot.localapi.limits import FloodLimits
from domain.clock import FakeClock
from storage.db import create_engine
from storage.migrate import upgrade
from tests.e2e.harness import GROUP, TOKEN, Harness, jpeg, test_settings

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
NUMBER = re.compile(r"#(\d{4})")
# A run that has not finished after this long is stuck, not slow.
WAIT_S = 600.0


# Steady storms, in reports a second. Telegram lets a bot send about 30 messages a second in
# all, and a report asks for two (the card, the department's announcement): at 15 a second the
# platform's whole budget goes to answering the storm. 30 a second is twice what it could
# answer. (A district's real peak is far below either.)
STEADY_RATES = (15.0, 30.0)
STEADY_SECONDS = 20


async def run(quick: bool) -> list[Row]:
    sizes = (60,) if quick else (60, 600)
    seconds = 4 if quick else STEADY_SECONDS
    rows: list[Row] = []
    for name, database in _databases():
        for size in sizes:
            with database() as url:
                rows.extend(await storm_rows(name, url, size))
        for rate in STEADY_RATES:
            with database() as url:
                rows.extend(await steady_rows(name, url, rate, round(rate * seconds)))
    return rows


# -- databases ----------------------------------------------------------------------------


def postgres_server() -> str | None:
    """The PostgreSQL server to measure on, if one is named."""
    return os.environ.get("LIAISON_BENCH_DATABASE_URL") or os.environ.get(
        "LIAISON_TEST_DATABASE_URL")


def _databases() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("SQLite", sqlite_database)]
    server = postgres_server()
    if server:
        found.append(("PostgreSQL", lambda: postgres_database(server)))
    return found


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'storm.db'}"
        upgrade(url)
        yield url


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    import psycopg

    base = make_url(server)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    name = f"storm_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- counting -----------------------------------------------------------------------------


@dataclass
class SqlCount:
    """Statements and transactions on one engine, by the worker (task) that ran them."""

    statements: Counter[str] = field(default_factory=Counter)
    transactions: Counter[str] = field(default_factory=Counter)
    commits: int = 0
    # Statements by worker and text, when asked for (STORM_STATEMENTS=1 prints them).
    kinds: Counter[str] | None = None
    # The engine counted (the bot's); set once the bot has made it.
    engine: AsyncEngine | None = None

    def attach(self) -> None:
        """Listen on every engine (before the bot makes its own: adding a listener while
        another connection runs the same event fails), counting only `engine`'s."""
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "begin", self._begin)
        event.listen(Engine, "commit", self._commit)

    def detach(self) -> None:
        if not event.contains(Engine, "begin", self._begin):
            return
        event.remove(Engine, "before_cursor_execute", self._statement)
        event.remove(Engine, "begin", self._begin)
        event.remove(Engine, "commit", self._commit)

    def reset(self) -> None:
        if self.kinds is not None:
            self.kinds.clear()
        self.statements.clear()
        self.transactions.clear()
        self.commits = 0

    def _ours(self, conn: Any) -> bool:
        return self.engine is not None and conn.engine is self.engine.sync_engine

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # The dialect's own BEGIN (SQLite's IMMEDIATE) is the transaction, counted apart.
        if self._ours(conn) and statement.lstrip()[:5].upper() != "BEGIN":
            worker = _worker()
            self.statements[worker] += 1
            if self.kinds is not None:
                self.kinds[f"{worker}: {' '.join(statement.split())[:70]}"] += 1

    def _begin(self, conn: Any) -> None:
        if self._ours(conn):
            self.transactions[_worker()] += 1

    def _commit(self, conn: Any) -> None:
        if self._ours(conn):
            self.commits += 1


def _worker() -> str:
    """Which part of the bot runs now: the supervised task's name, or the coroutine's."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return "other"
    if task is None:
        return "other"
    name = task.get_name()
    if not name.startswith("Task-"):
        return name.split("-")[0]
    coro = task.get_coro()
    qualname = getattr(coro, "__qualname__", "") or ""
    return {"OutboxSender._deliver_and_record": "outbox",
            "Batcher._drain": "outbox records"}.get(qualname, qualname or "other")


# -- one run ------------------------------------------------------------------------------


@dataclass
class Outcome:
    committed_s: float
    committed: list[float]
    delivered_s: float
    delivered: list[float]
    cpu_s: float
    messages: int
    sql: SqlCount | None = None


async def storm_rows(database: str, url: str, reports: int) -> list[Row]:
    ours, bare = await _storm(url, reports, beside_bare=True)
    assert bare is not None
    return _rows(database, reports, ours, bare)


async def _storm(url: str, reports: int, *, rate: float | None = None,
                 beside_bare: bool = False) -> tuple[Outcome, Outcome | None]:
    """Our bot's run of the storm (a burst, or `rate` reports a second), after the bare
    bot's on the same server when `beside_bare`."""
    with tempfile.TemporaryDirectory() as workdir:
        # The server keeps no flood limits: the bot, not the platform, is what is timed.
        harness = Harness(url, Path(workdir), FakeClock(NOW),
                          server_limits=FloodLimits.unlimited())
        server = harness.server
        sql = SqlCount(kinds=Counter() if os.environ.get("STORM_STATEMENTS") else None)
        await server.start()
        try:
            riders = populate(harness, reports)
            photo = jpeg()
            bare = await bare_bot(harness, riders, photo) if beside_bare else None
            harness.settings = test_settings(url, Path(workdir) / "media", server.base_url)
            sql.attach()
            await harness.start_bot()
            assert harness.app is not None
            sql.engine = harness.app.engine
            ours = await liaison_bot(harness, url, riders, photo, sql, rate=rate)
        finally:
            await harness.stop()
            sql.detach()
    return ours, bare


async def steady_rows(database: str, url: str, rate: float, reports: int) -> list[Row]:
    """The same reports posted `rate` a second, no bare bot beside them."""
    ours, _ = await _storm(url, reports, rate=rate)
    c50, c99 = latencies_ms(ours.committed)
    d50, d99 = latencies_ms(ours.delivered)
    # The posting takes reports ÷ rate seconds whatever the bot does; the share of one core
    # the whole process used meanwhile is what is left over, not the rate.
    busy = ours.cpu_s / ours.delivered_s
    assert ours.sql is not None
    _print_kinds(ours.sql, reports)
    statements = sum(ours.sql.statements.values()) / reports
    transactions = sum(ours.sql.transactions.values()) / reports
    return [
        Row(f"storm {database}, {reports} reports at {rate:.0f}/s: to committed ticket",
            throughput=reports / ours.committed_s, unit="reports/s", p50_ms=c50, p99_ms=c99,
            notes=f"every message delivered: p50 {d50:.0f} ms, p99 {d99:.0f} ms; the process "
                  f"(bot, local server, riders) kept {busy:.0%} of one core busy, "
                  f"{ours.cpu_s * 1000 / reports:.1f} ms CPU/report; SQL {statements:.1f} "
                  f"statements, {transactions:.1f} transactions per report"),
    ]


def populate(harness: Harness, reports: int) -> list[int]:
    """The sample district's chats and people on the server, and one rider for each report
    (their user ids)."""
    harness._populate()
    riders = list(range(6000, 6000 + reports))
    for rider in riders:
        harness.server.register_user(rider, f"骑手{rider - 6000}", language_code="zh")
    return riders


def _rows(database: str, reports: int, ours: Outcome, bare: Outcome) -> list[Row]:
    bare_rate = reports / bare.delivered_s
    committed_rate, delivered_rate = reports / ours.committed_s, reports / ours.delivered_s
    c50, c99 = latencies_ms(ours.committed)
    d50, d99 = latencies_ms(ours.delivered)
    b50, b99 = latencies_ms(bare.delivered)
    sql = ours.sql
    assert sql is not None
    _print_kinds(sql, reports)
    statements = sum(sql.statements.values()) / reports
    transactions = sum(sql.transactions.values()) / reports
    by_worker = ", ".join(f"{name} {count / reports:.1f}"
                          for name, count in sql.statements.most_common())
    return [
        Row(f"storm {database}, {reports} reports: to committed ticket",
            throughput=committed_rate, unit="reports/s", p50_ms=c50, p99_ms=c99,
            ratio=committed_rate / bare_rate, ratio_of="of the bare bot",
            notes=f"CPU {ours.cpu_s * 1000 / reports:.1f} ms/report (bare "
                  f"{bare.cpu_s * 1000 / reports:.1f}); SQL {statements:.1f} statements, "
                  f"{transactions:.1f} transactions ({sql.commits / reports:.1f} commits) "
                  f"per report"),
        Row(f"storm {database}, {reports} reports: every message delivered",
            throughput=delivered_rate, unit="reports/s", p50_ms=d50, p99_ms=d99,
            ratio=delivered_rate / bare_rate, ratio_of="of the bare bot",
            notes=f"{ours.messages / reports:.1f} bot messages per report, pace lifted; "
                  f"statements per report by worker: {by_worker}"),
        Row(f"storm {database}, {reports} reports: bare aiogram bot", throughput=bare_rate,
            unit="reports/s", p50_ms=b50, p99_ms=b99,
            notes="a reply to each message, same server, same run"),
    ]


def _print_kinds(sql: SqlCount, reports: int) -> None:
    if sql.kinds is not None:
        for kind, count in sql.kinds.most_common():
            print(f"{count / reports:6.2f}  {kind}", file=sys.stderr)


def quiet_heap() -> None:
    """A full collection before a timed run. The benchmark's process holds some 330,000
    long-lived objects, and the collection that walks them all (about 0.3 s) comes when it
    comes: landing in a run of 60 reports, it made the bare bot's rate come out three to four
    times too low. A bot process freezes them after starting (`bot/commands/run.py`); here
    the bot shares the process with the test harness, so the runs start from a collected
    heap instead."""
    gc.collect()


def check(deadline: float, how_far: str) -> None:
    if time.perf_counter() > deadline:
        raise TimeoutError(f"the storm did not finish in {WAIT_S:.0f} s: {how_far}")


def _where(index: int) -> tuple[float, float]:
    """Places about 100 m apart (no report duplicates another, 50 m), 30 to a column, so
    600 reports stay inside the sample's service area."""
    return 39.9010 + 0.0009 * (index % 30), 116.4310 + 0.0012 * (index // 30)


async def post_reports(harness: Harness, riders: list[int], photo: bytes,
                       rate: float | None = None) -> list[tuple[str, int, float]]:
    """Every rider posts a photo, then a location: (photo's and location's message ids,
    when posted). All at once, or `rate` reports a second."""
    posted = []
    started = time.perf_counter()
    for index, rider in enumerate(riders):
        if rate is not None:
            await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        sent = await harness.server.post_photo(GROUP, rider, photo, "路面鼓包")
        where = await harness.server.post_location(GROUP, rider, *_where(index))
        posted.append((str(sent.message_id), where.message_id, time.perf_counter()))
        if rate is None and index % 20 == 19:
            await asyncio.sleep(0)  # riders are many phones, not one loop that never yields
    return posted


async def bare_bot(harness: Harness, riders: list[int], photo: bytes) -> Outcome:
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
        quiet_heap()
        cpu, started = time.process_time(), time.perf_counter()
        posted = await post_reports(harness, riders, photo)
        await asyncio.wait_for(everything.wait(), WAIT_S)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        # A report is answered when the reply to its location is out.
        latencies = [answered[location] - at for _, location, at in posted]
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.delete_webhook(drop_pending_updates=True)
        await bot.session.close()
    return Outcome(elapsed, latencies, elapsed, latencies, cpu, len(answered))


class Watch:
    """What the riders see of a storm, read without loading the bot: the bot's messages on the
    server's feed (the ticket numbers they name, and when), and the tickets committed, looked
    up on an engine of the watch's own (its reads are not the bot's) above the last id seen."""

    def __init__(self, harness: Harness, url: str, riders: int) -> None:
        self.server = harness.server
        self.riders = riders
        self.engine = create_engine(url)
        self.feed = self.server.world.feed.subscribe()
        self.named: dict[int, float] = {}  # ticket number -> when a bot message last named it
        self.messages = 0  # the bot's messages
        self.filed: dict[str, tuple[int, float]] = {}  # photo's message id -> (number, when)
        self._newest = 0
        self._feeding = asyncio.create_task(self._watch_feed())

    async def _watch_feed(self) -> None:
        while True:
            change = await self.feed.get()
            if change.type != "message":
                continue
            message = change.data.get("message") or {}
            if not (message.get("from") or {}).get("is_bot"):
                continue
            self.messages += 1
            now = time.perf_counter()
            for found in NUMBER.findall(message.get("text") or message.get("caption") or ""):
                self.named[int(found)] = now

    @property
    def all_filed(self) -> bool:
        return len(self.filed) >= self.riders

    async def look_for_tickets(self, conn: Any) -> bool:
        """Note the tickets committed since the last look; False when there were none."""
        found = (await conn.execute(
            text("SELECT id, message_id, number FROM tickets WHERE id > :newest ORDER BY id"),
            {"newest": self._newest})).all()
        await conn.commit()
        now = time.perf_counter()
        for row_id, message_id, number in found:
            self._newest = max(self._newest, row_id)
            self.filed[str(message_id).rsplit(":", 1)[-1]] = (number, now)
        return bool(found)

    async def until_delivered(self, conn: Any, deadline: float) -> None:
        """Until no message waits and a bot message has named every ticket."""
        numbers = {number for number, _ in self.filed.values()}
        while True:
            waiting = (await conn.execute(text(
                "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"))
            ).scalar_one()
            await conn.commit()
            if not waiting and numbers <= self.named.keys():
                return
            check(deadline, f"{waiting} messages undelivered, "
                            f"{len(numbers - self.named.keys())} tickets never named")
            await asyncio.sleep(0.02)

    def timings(self, started: float, posted: list[tuple[str, int, float]]
                ) -> tuple[float, list[float], float, list[float]]:
        """Seconds to the last ticket and to the last message, and each report's latencies."""
        committed_s = max(when for _, when in self.filed.values()) - started
        delivered_s = max(self.named[number] for number, _ in self.filed.values()) - started
        committed = [self.filed[photo_id][1] - at for photo_id, _, at in posted]
        delivered = [self.named[self.filed[photo_id][0]] - at for photo_id, _, at in posted]
        return committed_s, committed, delivered_s, delivered

    async def close(self) -> None:
        self._feeding.cancel()
        self.server.world.feed.unsubscribe(self.feed)
        await self.engine.dispose()


async def liaison_bot(harness: Harness, url: str, riders: list[int], photo: bytes,
                      sql: SqlCount, *, rate: float | None = None) -> Outcome:
    await harness.settle()
    app = harness.app
    assert app is not None
    watch = Watch(harness, url, len(riders))
    posting: asyncio.Future[list[tuple[str, int, float]]] | None = None
    try:
        sql.reset()
        quiet_heap()
        cpu, started = time.process_time(), time.perf_counter()
        # A burst is posted before the bot is watched, as before; a steady storm is watched
        # while it is posted.
        posting = asyncio.ensure_future(post_reports(harness, riders, photo, rate))
        if rate is None:
            await posting
        deadline = time.perf_counter() + WAIT_S
        async with watch.engine.connect() as conn:
            handled = -1
            while not watch.all_filed:
                check(deadline, f"{len(watch.filed)} of {len(riders)} tickets filed")
                # The processor's counter says when an update was handled; only then can a
                # ticket be new, and only then is the database asked.
                if app.processor.handled == handled:
                    await asyncio.sleep(0.002)
                    continue
                handled = app.processor.handled
                await watch.look_for_tickets(conn)
            posted = await posting
            await watch.until_delivered(conn, deadline)
        cpu = time.process_time() - cpu
    finally:
        if posting is not None:
            posting.cancel()
        await watch.close()
    committed_s, committed, delivered_s, delivered = watch.timings(started, posted)
    return Outcome(committed_s, committed, delivered_s, delivered, cpu, watch.messages, sql)
