"""Webhook delivery as Telegram's Bot API server does it: in order within a queue, queues side
by side, over connections that are kept open.

Each update belongs to a queue: a message (new or edited) to its chat's, a button press to the
pressing user's, anything else to a queue of its own. A queue's updates go one at a time, in
order: the next is sent only when the webhook has answered 2xx, and a failed one is retried
with growing pauses while nothing after it in its queue goes first. Different queues are
delivered at once, up to `max_connections` requests in flight, over keep-alive connections (a
new connection only when every open one is busy), so a busy chat holds up no other chat. The
last failure is reported in getWebhookInfo's `last_error_date` / `last_error_message`. A 2xx
answer may carry a Bot API call (`{"method": "sendMessage", ...}`), which is then performed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import aiohttp

from .models import JSON
from .state import World

log = logging.getLogger(__name__)

ReplyExecutor = Callable[[str, JSON], Awaitable[None]]


def queue_of(update: JSON) -> Hashable:
    """The queue an update waits in: its chat's for messages, the user's for button presses
    (as Telegram's server keys them), else one of its own."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if kind in update:
            return ("chat", update[kind]["chat"]["id"])
    query = update.get("callback_query")
    if query is not None:
        return ("user", query["from"]["id"])
    return ("update", update["update_id"])


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
        # Each queue with updates to send, and the task sending them one after another.
        self._queues: dict[Hashable, deque[JSON]] = {}
        self._senders: dict[Hashable, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(self.max_connections)
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
            wanted = max_connections or 40
            if wanted != self.max_connections:
                await self._close_session()  # its connector's limit was the old one
            self.max_connections = wanted
            self._slots = asyncio.Semaphore(self.max_connections)
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
        await self._close_session()

    async def _close_session(self) -> None:
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
        tasks = [task for task in (self._task, *self._senders.values()) if task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        self._senders.clear()
        self._queues.clear()

    async def _run(self) -> None:
        """Sorts new updates into their queues and starts a sender for each queue that has
        none; the senders deliver."""
        updates = self._world.updates
        sorted_up_to = 0
        while True:
            for update in updates.after(sorted_up_to):
                sorted_up_to = update["update_id"]
                key = queue_of(update)
                self._queues.setdefault(key, deque()).append(update)
                if key not in self._senders:
                    self._senders[key] = asyncio.create_task(
                        self._send_queue(key), name="webhook-queue")
            await updates.wait(30.0)

    async def _send_queue(self, key: Hashable) -> None:
        queue = self._queues[key]
        delay = self.retry_initial
        try:
            while queue:
                update = queue[0]
                async with self._slots:
                    delivered = await self._deliver(update)
                if delivered:
                    queue.popleft()
                    self._world.updates.mark_delivered(update)
                    self._world.feed.notify()
                    delay = self.retry_initial
                else:
                    self.failures += 1
                    self._world.feed.notify()
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.retry_max)
        finally:
            # Emptied (or stopped): the next update of this queue starts a new sender.
            if self._senders.get(key) is asyncio.current_task():
                del self._senders[key]
                if not queue:
                    del self._queues[key]

    async def _deliver(self, update: JSON) -> bool:
        if self._session is None:
            # Connections are kept open and reused; bot processes sharing the webhook's port
            # each get the connections the kernel hands them.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_connections))
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
