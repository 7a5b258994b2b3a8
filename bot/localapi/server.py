"""`LocalBotApi`: a Telegram-compatible Bot API server in this process, for tests and demos.

    async with LocalBotApi(token="123456:TEST", bot_username="liaison_bot") as server:
        bot = Bot(server.token, session=AiohttpSession(
            api=TelegramAPIServer.from_base(server.base_url)))

Bot API calls go to `{base_url}/bot{token}/{method}`, downloads to
`{base_url}/file/bot{token}/{file_path}`; people are driven through the methods of
`ClientApi` or the HTTP routes under `/_client` and `/_control` (see `http_client_api`).
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from aiohttp import web

from domain.clock import Clock, SystemClock

from .client import ClientApi
from .errors import ApiError, bad_request, not_found, server_error, too_many_requests, unauthorized
from .faults import FILE_DOWNLOAD, FaultInjector, FaultPlan
from .http_client_api import setup_client_routes
from .http_control_api import setup_control_routes
from .limits import FloodGate, FloodLimits
from .methods import Context, Described, lookup
from .models import Person
from .params import Params, read_params
from .state import World
from .updates import UpdateQueue
from .webhook import WebhookDispatcher


class LocalBotApi(ClientApi):
    def __init__(
        self,
        token: str = "123456:LOCAL-TEST-TOKEN",
        *,
        clock: Clock | None = None,
        limits: FloodLimits | None = None,
        bot_username: str = "liaison_bot",
        bot_first_name: str = "Liaison",
        host: str = "127.0.0.1",
        port: int = 0,
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
        faults: FaultPlan | None = None,
        webhook_retry_initial: float = 0.5,
        webhook_retry_max: float = 10.0,
        first_update_id: int = 1,
        message_id_floors: dict[int, int] | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1_000_001
        self.world = World(
            bot=Person(bot_id, bot_first_name, username=bot_username, is_bot=True),
            clock=clock or SystemClock(),
            can_join_groups=can_join_groups,
            can_read_all_group_messages=can_read_all_group_messages,
            updates=UpdateQueue(first_update_id),
            message_id_floors=dict(message_id_floors or {}),
        )
        self.flood = FloodGate(limits or FloodLimits())
        self.faults = FaultInjector(faults or FaultPlan())
        self.webhook = WebhookDispatcher(
            self.world, self._execute_webhook_reply, webhook_retry_initial, webhook_retry_max
        )
        self.context = Context(self.world, self.flood, self.webhook)
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def bot(self) -> Person:
        return self.world.bot

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self.webhook.close()
        self.context.closing = True
        self.world.updates.interrupt()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_bot_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        setup_client_routes(app, self)
        setup_control_routes(app, self)
        return app

    async def _handle_bot_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(unauthorized())
        found = lookup(request.match_info["method"])
        name = found[0] if found else request.match_info["method"]
        self.world.requests_by_method[name] += 1
        if found is None:
            return _error(not_found())
        try:
            params = await read_params(request)
        except ApiError as error:
            return _error(error)
        decision = self.faults.decide(name)
        if decision.delay:
            await asyncio.sleep(decision.delay)
            if request.transport is None or request.transport.is_closing():
                # The client gave up waiting: like a request lost on the way, it has no effect.
                return web.Response(status=499)
        if decision.before:
            return self._fault_response(request, decision.before)
        try:
            result = await found[1](self.context, params)
        except ApiError as error:
            return _error(error)
        if decision.after:
            return self._fault_response(request, decision.after)
        body: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            body.update(result=result.result, description=result.description)
        else:
            body["result"] = result
        return web.json_response(body)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        self.world.requests_by_method[FILE_DOWNLOAD] += 1
        if request.match_info["token"] != self.token:
            return _error(unauthorized())
        decision = self.faults.decide(FILE_DOWNLOAD)
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.before:
            return self._fault_response(request, decision.before)
        stored = self.world.files.by_path(request.match_info["path"])
        if stored is None:
            return _error(not_found())
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    def _fault_response(self, request: web.Request, kind: str) -> web.StreamResponse:
        if kind == "drop":
            # Closing without an answer is what a client sees as "server disconnected".
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        if kind == "refuse:too_big":
            return _error(bad_request("file is too big"))
        if kind == "refuse:not_found":
            return _error(not_found())
        if kind == "refuse:server_error":
            return _error(server_error(500))
        if kind == "too_many_requests":
            return _error(too_many_requests(self.faults.plan.retry_after))
        if kind == "502":
            return _error(server_error(502))
        return _error(server_error(self.faults.plan.server_error_code))

    async def _execute_webhook_reply(self, method: str, params: dict[str, Any]) -> None:
        found = lookup(method)
        if found is not None:
            self.world.requests_by_method[found[0]] += 1
            await found[1](self.context, Params(params))


def _error(error: ApiError) -> web.Response:
    return web.json_response(error.to_json(), status=error.code)
