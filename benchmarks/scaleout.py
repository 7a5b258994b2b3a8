"""The storm with the bot in processes of its own: one on SQLite, and 1, 2 and 4 sharing one
PostgreSQL.

Each bot is a real `python -m bot run` process in webhook mode; they listen on one port
(`webhook_reuse_port`). The local Bot API server delivers as Telegram does: one chat's updates
one at a time over a kept connection, so one group's storm arrives at whichever process holds
that connection. Every process claims from the same inbox, so all of them handle it: one
rider's updates in order, different riders' side by side (inbox lanes). Riders post reports
(a photo, then a location) into one group as fast as the server takes them; pace limits are
lifted.

Measured: reports/s from the first post until every ticket is committed, and until every
message the reports cause is delivered, p50/p99 per report, and the CPU the bot processes
spent per report (read from /proc, so the server and the riders, which run in this process,
are not counted). The ratio is against one process in the same run. The machine's cores are
shared by the bots and by the server and riders here, so on a 2-core machine 4 processes
compete for the same two cores.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import storm
from benchmarks.table import Row, latencies_ms
from bot.localapi.limits import FloodLimits
from domain.clock import SystemClock
from tests.e2e.harness import Harness, jpeg
from tests.e2e.transport.bot_process import (
    BotProcess,
    free_port,
    wait_ready,
    webhook_environment,
)

WAIT_S = 600.0


async def run(quick: bool) -> list[Row]:
    reports = 120 if quick else 600
    with storm.sqlite_database() as url:
        rows = _rows("SQLite", reports, 1, await storm_on(url, 1, reports), None)
    server = storm.postgres_server()
    if server is None:
        return rows
    single: float | None = None
    for processes in (1, 2) if quick else (1, 2, 4):
        with storm.postgres_database(server) as url:
            outcome = await storm_on(url, processes, reports)
        single = single or reports / outcome.committed_s
        rows.extend(_rows("PostgreSQL", reports, processes, outcome, single))
    return rows


def _rows(database: str, reports: int, processes: int, outcome: Outcome,
          single: float | None) -> list[Row]:
    committed = reports / outcome.committed_s
    c50, c99 = latencies_ms(outcome.committed)
    d50, d99 = latencies_ms(outcome.delivered)
    cpu = outcome.cpu_s * 1000 / reports
    name = (f"storm {database}, {reports} reports, {processes} bot process"
            f"{'es' if processes > 1 else ''}")
    each = "" if processes == 1 else " (" + ", ".join(
        f"{share * 1000 / reports:.1f}" for share in outcome.cpu_each) + ")"
    return [
        Row(f"{name}: to committed ticket", throughput=committed, unit="reports/s",
            p50_ms=c50, p99_ms=c99, ratio=None if single is None else committed / single,
            ratio_of="" if single is None else "of 1 process",
            notes=f"CPU ms/report: bots {cpu:.1f}{each}, beside them on the same cores "
                  f"the local server and riders {outcome.server_cpu_s * 1000 / reports:.1f} "
                  f"and the database {outcome.database_cpu_s * 1000 / reports:.1f}"),
        Row(f"{name}: every message delivered", throughput=reports / outcome.delivered_s,
            unit="reports/s", p50_ms=d50, p99_ms=d99,
            notes=f"{outcome.messages / reports:.1f} bot messages per report"),
    ]


@dataclass
class Outcome(storm.Outcome):
    """A storm's outcome with the CPU of each share of the cores."""

    cpu_each: list[float] = field(default_factory=list)  # each bot process's
    # This process's: the local server, the riders and the completion checks.
    server_cpu_s: float = 0.0
    # PostgreSQL's processes on this machine (0 when the server runs elsewhere).
    database_cpu_s: float = 0.0


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _database_cpu_s() -> dict[int, float]:
    """CPU seconds of each PostgreSQL process on this machine, when the server runs here
    (the bots' backends, and the server's own writers): the third share of the cores."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                found[int(entry.name)] = _cpu_s(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return found


async def storm_on(url: str, processes: int, reports: int) -> Outcome:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        harness = Harness(url, workdir, SystemClock(),  # type: ignore[arg-type]
                          server_limits=FloodLimits.unlimited())
        server = harness.server
        await server.start()
        bots: list[BotProcess] = []
        try:
            riders = storm.populate(harness, reports)
            hook = free_port()
            for index in range(processes):
                health = free_port()
                env = webhook_environment(url, workdir / "media", server.base_url, hook=hook,
                                          health=health, share_port=True)
                bot = BotProcess(env, workdir, workdir / f"bot{index}.log")
                await bot.start()
                bots.append(bot)
                # One at a time: the first migrates the database, the others find it done.
                await wait_ready(bot, health, within=120)
            return await _storm(harness, url, riders, bots)
        finally:
            for bot in bots:
                if bot.running:
                    try:
                        await bot.terminate()
                    except TimeoutError:
                        await bot.kill()
            await server.stop()


async def _storm(harness: Harness, url: str, riders: list[int],
                 bots: list[BotProcess]) -> Outcome:
    watch = storm.Watch(harness, url, len(riders))
    photo = jpeg()
    pids = [bot.pid for bot in bots]
    try:
        cpu_before = [_cpu_s(pid) for pid in pids]
        server_cpu = time.process_time()
        database_cpu = _database_cpu_s()
        started = time.perf_counter()
        posted = await storm.post_reports(harness, riders, photo)
        deadline = time.perf_counter() + WAIT_S
        async with watch.engine.connect() as conn:
            while not watch.all_filed:
                storm.check(deadline, f"{len(watch.filed)} of {len(riders)} tickets filed")
                if not await watch.look_for_tickets(conn):
                    # A look every 20 ms: fine enough for latencies of tenths of a second,
                    # and too rare to weigh on the database the bots share.
                    await asyncio.sleep(0.02)
            await watch.until_delivered(conn, deadline)
        cpu_each = [_cpu_s(pid) - before for pid, before in zip(pids, cpu_before, strict=True)]
        server_cpu = time.process_time() - server_cpu
        database_cpu_s = sum(spent - database_cpu.get(pid, 0.0)
                             for pid, spent in _database_cpu_s().items())
    finally:
        await watch.close()
    committed_s, committed, delivered_s, delivered = watch.timings(started, posted)
    return Outcome(committed_s, committed, delivered_s, delivered, sum(cpu_each),
                   watch.messages, cpu_each=cpu_each, server_cpu_s=server_cpu,
                   database_cpu_s=database_cpu_s)
