"""/healthz, /readyz and /metrics over HTTP.

- `/healthz`: the process is alive (and has not decided to end): 200, else 503. A liveness
  probe; it never touches the database, so an outage does not get the process killed.
- `/readyz`: ready to do its work: the database answers, the platform is connected and every
  background task runs. 200 or 503, with a JSON body naming what is wrong. A readiness probe
  (a load balancer stops sending webhooks to a worker that is not ready).
- `/metrics`: Prometheus text format.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot.health.metrics import Metrics
from bot.http_listener import HttpListeners
from domain.clock import Clock
from storage.uow import UnitOfWorkFactory

DATABASE_CHECK_TIMEOUT_S = 2.0


@dataclass
class Probes:
    """What the endpoints look at; filled in by the composition root."""

    uows: UnitOfWorkFactory
    metrics: Metrics
    clock: Clock
    timer: Clock
    # Each platform's receiver: connected or not.
    platforms: Callable[[], dict[str, bool]]
    # Background tasks that are not running (dead, waiting for their restart).
    stopped_tasks: Callable[[], list[str]]
    fatal: Callable[[], str]


class HealthEndpoints:
    def __init__(self, probes: Probes) -> None:
        self.probes = probes

    def route(self, http: HttpListeners, listen: str) -> None:
        http.route(listen, "GET", "/healthz", self.healthz)
        http.route(listen, "GET", "/readyz", self.readyz)
        http.route(listen, "GET", "/metrics", self.metrics)

    async def healthz(self, request: web.Request) -> web.Response:
        reason = self.probes.fatal()
        if reason:
            return web.Response(status=503, text=f"ending: {reason}\n")
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        checks = await self.checks()
        ready = all(value == "ok" for value in checks.values())
        return web.Response(status=200 if ready else 503, content_type="application/json",
                            text=json.dumps({"ready": ready, "checks": checks},
                                            ensure_ascii=False) + "\n")

    async def metrics(self, request: web.Request) -> web.Response:
        body = await self.probes.metrics.exposition(
            self.probes.uows, self.probes.clock.now(), self.probes.timer.now())
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def checks(self) -> dict[str, Any]:
        checks: dict[str, Any] = {"database": await self._database()}
        for platform, connected in self.probes.platforms().items():
            checks[f"platform:{platform}"] = "ok" if connected else "not connected"
        stopped = self.probes.stopped_tasks()
        checks["tasks"] = "ok" if not stopped else f"not running: {', '.join(stopped)}"
        fatal = self.probes.fatal()
        if fatal:
            checks["process"] = f"ending: {fatal}"
        return checks

    async def _database(self) -> str:
        try:
            await asyncio.wait_for(self._select_one(), DATABASE_CHECK_TIMEOUT_S)
        except Exception as error:
            return f"unreachable: {type(error).__name__}"
        return "ok"

    async def _select_one(self) -> None:
        async with self.probes.uows(read_only=True) as uow:
            await uow.session.execute(text("SELECT 1"))
