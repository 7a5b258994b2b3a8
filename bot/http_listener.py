"""The bot's HTTP servers: every part that serves HTTP (a platform's webhook or callback, health
and metrics, the web console) adds its routes here under the address it is configured to listen
on, and parts configured on the same address share one server.

The composition root builds one `HttpListeners`, lets each part add its routes, then starts it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.settings import split_listen

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpListeners:
    def __init__(self) -> None:
        self._apps: dict[tuple[str, int], web.Application] = {}
        self._runners: list[web.AppRunner] = []
        # Addresses other processes on this host may serve too (SO_REUSEPORT): the system
        # spreads incoming connections among them.
        self._shared: set[tuple[str, int]] = set()
        # The port each address really got (a configured port 0 picks a free one).
        self.bound: dict[tuple[str, int], int] = {}

    def app(self, listen: str) -> web.Application:
        """The aiohttp application served on `listen` (HOST:PORT), made on first use; add
        routes, middlewares or sub-applications to it before `start`."""
        address = split_listen(listen)
        if address not in self._apps:
            self._apps[address] = web.Application(client_max_size=20 * 1024 * 1024)
        return self._apps[address]

    def share(self, listen: str) -> None:
        """Let other processes listen on `listen` too (several workers behind one port)."""
        self._shared.add(split_listen(listen))

    def route(self, listen: str, method: str, path: str, handler: Handler) -> None:
        self.app(listen).router.add_route(method, path, handler)

    def port_of(self, listen: str) -> int:
        return self.bound[split_listen(listen)]

    async def start(self) -> None:
        """Serve every address that has routes; calling it again does nothing."""
        if self._runners:
            return
        for (host, port), app in self._apps.items():
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, host, port,
                               reuse_port=True if (host, port) in self._shared else None)
            await site.start()
            self._runners.append(runner)
            self.bound[(host, port)] = runner.addresses[0][1] if runner.addresses else port
            log.info("listening", extra={"address": f"{host}:{self.bound[(host, port)]}"})

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
