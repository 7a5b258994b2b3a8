"""The web console and the Open311 API on the digest benchmark's database: 1M tickets (100k
with --quick).

The digest's cached SQLite file is copied once (cached under /tmp too) and its tickets spread
over the sample district, each with its geohash cell, as riders' reports are. Each call goes
through the real web app over HTTP (aiohttp's test server, a signed-in admin's session), and
is shown beside the bare SQL it ran, replayed on a plain sqlite3 connection.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event

from benchmarks.digest import FULL, NOW, QUICK, bare_sql_seconds, database
from benchmarks.table import Row, latencies_ms
from bot import wiring
from bot.http_listener import HttpListeners
from bot.pipeline.processor import Core
from bot.settings import SAMPLE_CONFIG, load_settings
from bot.settings_web import WebSection
from bot.web import mount
from bot.web.areas import AreaIndex
from bot.web.deps import WebDeps
from domain.clock import FakeClock
from handlers.media import MediaStore
from handlers.router import load_features
from handlers.services import PeopleService, Services
from handlers.web.tokens import digest, new_token
from storage.cells import cell_of
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory

BUILD_VERSION = 1
LISTEN = "127.0.0.1:8998"
ADMIN = 9001
# The sample district (bot/sample/areas/district.geojson).
WEST, SOUTH, EAST, NORTH = 116.425, 39.895, 116.495, 39.945
DISTRICT = f"bbox={WEST},{SOUTH},{EAST},{NORTH}&zoom=14"
MONTH = ("start_date=2026-05-02T00:00:00%2B08:00&end_date=2026-06-01T00:00:00%2B08:00")
TARGETS_MS = {"map": 300, "list": 100, "open311": 300}


async def run(quick: bool) -> list[Row]:
    size = QUICK if quick else FULL
    started = time.perf_counter()
    source, _ = database(size)
    path, built = web_database(source, size)
    made = f"derived in {time.perf_counter() - started:.1f} s" if built \
        else f"cached {path.name}"
    load = os.getloadavg()[0]
    rows = [Row(f"web data: {size:,} tickets over the district",
                notes=f"{made}; load average before the calls {load:.1f} on {os.cpu_count()} "
                      f"cores")]
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    statements: list[tuple[str, Any]] = []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, sql, params, _ctx, _many: statements.append((sql, params)))
    with tempfile.TemporaryDirectory() as media:
        client = await _client(UnitOfWorkFactory(session_factory(engine)), Path(media))
        try:
            repeats = 20 if quick else 60
            for kind, name, url in (
                    ("map", "web map: district view, open tickets", f"/web/api/map?{DISTRICT}"),
                    ("map", "web map: district view, all of 30 days",
                     f"/web/api/map?{DISTRICT}&status=all&from=2026-05-04&to=2026-06-02"),
                    ("list", "web list: open tickets, page 1", "/web/tickets"),
                    ("list", "web list: every status, page 1", "/web/tickets?status=all"),
                    ("open311", "open311 requests: a month, JSON",
                     f"/open311/v2/requests.json?{MONTH}"),
                    ("open311", "open311 requests: a month, XML",
                     f"/open311/v2/requests.xml?{MONTH}")):
                rows.append(await measure(client, name, url, statements, path, repeats,
                                          TARGETS_MS[kind]))
        finally:
            await client.close()
    await engine.dispose()
    return rows


async def measure(client: TestClient, name: str, url: str, statements: list[tuple[str, Any]],
                  path: Path, repeats: int, target_ms: float) -> Row:
    for _ in range(3):  # warm up: templates, page cache
        await _get(client, url)
    times, cpu = [], []
    for _ in range(repeats):
        statements.clear()
        started, used = time.perf_counter(), time.process_time()
        size = await _get(client, url)
        times.append(time.perf_counter() - started)
        # The process's own CPU (the database's thread included): what the call costs when
        # it does not wait for other programs, on a machine where it has to.
        cpu.append(time.process_time() - used)
    queries = [(sql, params) for sql, params in statements
               if sql.lstrip().startswith(("SELECT", "WITH"))]
    bare = bare_sql_seconds(path, queries, 5)
    p50, p99 = latencies_ms(times)
    cpu50, cpu99 = latencies_ms(cpu)
    verdict = "within" if p99 < target_ms else "OVER"
    return Row(name, throughput=1000 / p50, unit="req/s", p50_ms=p50, p99_ms=p99,
               ratio=p50 / (bare * 1000) if bare else None, ratio_of="of bare SQL",
               notes=f"{len(queries)} queries, bare SQL {bare * 1000:.1f} ms; {size:,} bytes; "
                     f"CPU p50 {cpu50:.0f} ms, p99 {cpu99:.0f} ms; "
                     f"p99 {verdict} the {target_ms:.0f} ms target")


async def _get(client: TestClient, url: str) -> int:
    response = await client.get(url)
    body = await response.read()
    assert response.status == 200, (url, response.status, body[:300])
    return len(body)


async def _client(uows: UnitOfWorkFactory, media: Path) -> TestClient:
    load_features()
    base = load_settings(SAMPLE_CONFIG)
    settings = base.model_copy(update={"web": WebSection(
        listen=LISTEN, base_url="http://bench.test", open311=True, public=True)})
    clock = FakeClock(NOW)
    directory = wiring.directory(settings)
    store = MediaStore(media)
    services = Services(rules=wiring.rules(settings), areas=wiring.router(settings), media=store,
                        people=PeopleService())
    deps = WebDeps(settings=settings, uows=uows, context=Core(clock, directory, services).context,
                   after_commit=lambda ctx: None, clock=clock, directory=directory,
                   media=store, areas=AreaIndex(settings))
    token = new_token()
    async with uows() as uow:
        await uow.web.add_session(digest(token), ADMIN, name="值班员", language="zh",
                                  csrf_token="bench", now=NOW,
                                  expires_at=NOW + timedelta(days=3650))
        await uow.commit()
    http = HttpListeners()
    mount(http, deps)
    client = TestClient(TestServer(http.app(LISTEN)))
    await client.start_server()
    client.session.cookie_jar.update_cookies({"liaison_session": token})
    return client


def web_database(source: Path, size: int) -> tuple[Path, bool]:
    """A copy of the digest's database with every ticket placed in the district."""
    path = Path(tempfile.gettempdir()) / f"liaison-bench-web-{size}-v{BUILD_VERSION}.db"
    if path.exists():
        return path, False
    partial = path.with_suffix(f".{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    upgrade(f"sqlite+aiosqlite:///{partial}")
    spread(partial)
    partial.replace(path)
    return path, True


def spread(path: Path) -> None:
    """Places from a hash of the ticket's id: most reports in a few busy streets, the rest
    anywhere in the district."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        ids = [row[0] for row in connection.execute("SELECT id FROM tickets ORDER BY id")]
        updates = []
        for ticket_id in ids:
            h = (ticket_id * 2654435761) % 4294967296
            if h % 10 < 6:  # a busy street: along one of five lines
                street = h % 5
                lat = SOUTH + (street + 0.5) * (NORTH - SOUTH) / 5 + ((h >> 8) % 100) * 2e-6
                lon = WEST + ((h >> 12) % 10000) / 10000 * (EAST - WEST)
            else:
                lat = SOUTH + ((h >> 4) % 10000) / 10000 * (NORTH - SOUTH)
                lon = WEST + ((h >> 16) % 10000) / 10000 * (EAST - WEST)
            updates.append((lat, lon, cell_of(lat, lon), ticket_id))
        connection.executemany("UPDATE tickets SET lat = ?, lon = ?, cell = ? WHERE id = ?",
                               updates)
        connection.execute("COMMIT")
    finally:
        connection.close()
