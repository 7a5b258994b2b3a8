"""Webhook delivery: POST each update to the bot's URL, one at a time, in order.

An update counts as delivered only when the webhook answers 2xx; otherwise it is retried
with growing pauses and nothing after it is sent first, as Telegram does for one connection.
The failure is reported in getWebhookInfo's `last_error_date` / `last_error_message`. A 2xx
answer may carry a Bot API call (`{"method": "sendMessage", ...}`), which is then performed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .models import JSON
from .state import World

log = logging.getLogger(__name__)

ReplyExecutor = Callable[[str, JSON], Awaitable[None]]


class WebhookDispatcher:
    def __init__(
        self,
        world: World,
        execute_reply: ReplyExecutor,
        retry_initial: float = 0.5,
        retry_max: float = 10.0,
        request_timeout: float = 10.0,
    ) -> None:
        self._world = world
        self._execute_reply = execute_reply
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.request_timeout = request_timeout
        self.url: str | None = None
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.attempts = 0
        self.failures = 0
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        # Workers starting together each set the webhook: one change at a time, or two of
        # them stop the same old task and each starts a new one, one of which no stop ends.
        self._changing = asyncio.Lock()

    @property
    def active(self) -> bool:
        return self.url is not None

    async def set(self, url: str, secret_token: str | None, max_connections: int | None) -> None:
        async with self._changing:
            await self._stop_task()
            self.url = url
            self.secret_token = secret_token
            self.max_connections = max_connections or 40
            self.last_error_date = None
            self.last_error_message = None
            self._task = asyncio.create_task(self._run(), name="webhook-delivery")

    async def clear(self) -> None:
        async with self._changing:
            await self._stop_task()
            self.url = None
            self.secret_token = None

    async def close(self) -> None:
        await self.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def info(self) -> JSON:
        info: JSON = {
            "url": self.url or "",
            "has_custom_certificate": False,
            "pending_update_count": self._world.updates.pending_count,
        }
        if self.url:
            info["max_connections"] = self.max_connections
            info["ip_address"] = "127.0.0.1"
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        allowed = self._world.updates.allowed_updates
        if allowed is not None:
            info["allowed_updates"] = allowed
        return info

    async def _stop_task(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        updates = self._world.updates
        delay = self.retry_initial
        while True:
            update = updates.first()
            if update is None:
                await updates.wait(30.0)
                continue
            if await self._deliver(update):
                updates.mark_delivered(update)
                self._world.feed.notify()
                delay = self.retry_initial
            else:
                self.failures += 1
                self._world.feed.notify()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)

    async def _deliver(self, update: JSON) -> bool:
        if self._session is None:
            # A connection per update, as Telegram spreads its deliveries over up to
            # max_connections: bot processes sharing the webhook's port each get a share.
            # Updates still go one at a time, in order.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(force_close=True))
        headers = {"Content-Type": "application/json"}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        self.attempts += 1
        assert self.url is not None
        try:
            async with self._session.post(
                self.url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.request_timeout),
            ) as response:
                body = await response.read()
                if not 200 <= response.status < 300:
                    self._fail(
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
                    return False
        except TimeoutError:
            self._fail("Read timeout expired")
            return False
        except aiohttp.ClientConnectorError:
            self._fail("Connection refused")
            return False
        except aiohttp.ClientError as error:
            self._fail(f"Connection error: {type(error).__name__}")
            return False
        await self._maybe_execute(body)
        return True

    def _fail(self, message: str) -> None:
        self.last_error_date = self._world.now()
        self.last_error_message = message

    async def _maybe_execute(self, body: bytes) -> None:
        if not body:
            return
        try:
            reply: Any = json.loads(body)
        except ValueError:
            return
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            params = {k: v for k, v in reply.items() if k != "method"}
            try:
                await self._execute_reply(reply["method"], params)
            except Exception:  # Telegram silently drops failed webhook replies, so do we.
                log.debug("webhook reply %s failed", reply["method"], exc_info=True)
