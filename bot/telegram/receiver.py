"""Taking updates from Telegram: stored in the inbox first, confirmed only afterwards.

Polling confirms a batch by asking for the next offset, which we do only once the batch is
committed; a webhook answers 200 only after the commit. Either way an update is never lost
between Telegram and our database.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiohttp import web

from bot.pipeline.batching import Batcher
from bot.pipeline.looping import report_failure
from bot.pipeline.telemetry import SILENT, Telemetry
from bot.pipeline.trouble import UNGUARDED, Guard, pause
from bot.telegram.convert import dedup_key, sender_address
from domain.clock import Clock
from storage.repositories.inbox import IncomingUpdate, lane_of
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def incoming(raw: dict[str, Any]) -> IncomingUpdate:
    key, chat_id, message_id = dedup_key(raw)
    return IncomingUpdate(update_id=int(raw["update_id"]), dedup_key=key, chat_id=chat_id,
                          payload={"platform": "telegram", "update": raw},
                          message_id=message_id, lane=lane_of(chat_id, sender_address(raw)))


async def store(uows: UnitOfWorkFactory, timer: Clock, raws: list[dict[str, Any]]) -> int:
    return await store_incoming(uows, timer, [incoming(raw) for raw in raws])


async def store_incoming(uows: UnitOfWorkFactory, timer: Clock,
                         updates: list[IncomingUpdate]) -> int:
    async with uows() as uow:
        added = await uow.inbox.add(updates, timer.now())
        await uow.commit()
    return added


class PollingReceiver:
    def __init__(self, bot: Bot, uows: UnitOfWorkFactory, timer: Clock,
                 on_stored: Callable[[], None], poll_timeout: int = 25, *,
                 guard: Guard = UNGUARDED, telemetry: Telemetry = SILENT) -> None:
        self.bot = bot
        self.uows = uows
        self.timer = timer
        self.on_stored = on_stored
        self.poll_timeout = poll_timeout
        self.guard = guard
        self.telemetry = telemetry
        self.offset: int | None = None
        # Whether the last getUpdates went through (readiness).
        self.connected = False
        # Updates received but not stored yet: the database is away (the outage's all-clear).
        self.held = 0

    async def run(self, stopping: asyncio.Event) -> None:
        failures = 0
        async with aiohttp.ClientSession() as http:
            while not stopping.is_set():
                try:
                    raws = await self._poll(http, stopping)
                except _PollRefused as error:
                    failures += 1
                    self.connected = False
                    delay = error.retry_after or min(30.0, 0.5 * 2 ** min(failures, 6))
                    if error.retry_after:
                        self.telemetry.throttled("telegram", error.retry_after)
                    log.warning("getUpdates refused", extra={"error": str(error)[:200],
                                                             "retry_in_s": delay})
                    await pause(stopping, delay)
                    continue
                except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
                    failures += 1
                    self.connected = False
                    delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                    log.warning("getUpdates failed", extra={"error": str(error)[:200],
                                                            "retry_in_s": delay})
                    await pause(stopping, delay)
                    continue
                failures = 0
                self.connected = True
                if raws:
                    await self._store_until_done(http, raws, stopping)

    async def _store_until_done(self, http: aiohttp.ClientSession, raws: list[dict[str, Any]],
                                stopping: asyncio.Event) -> None:
        """Until the batch is stored it is not confirmed: Telegram keeps it, and we keep
        asking the database (a batch left when stopping is simply sent again). Meanwhile
        each retry asks Telegram again from the same offset, which confirms nothing and
        returns what arrived since as well: all of it is stored at once when the database
        is back, and the admins' all-clear can say how much waited."""
        failures = 0
        self.held = len(raws)
        try:
            while not stopping.is_set():
                try:
                    await self._store(raws)
                except Exception as error:
                    failures += 1
                    self.guard.failed("polling", error)
                    delay = self.guard.backoff.delay(failures)
                    report_failure("polling", error, failures, delay)
                    await pause(stopping, delay)
                    raws = await self._again(http, stopping, raws)
                    self.held = len(raws)
                    continue
                self.guard.succeeded("polling")
                return
        finally:
            self.held = 0

    async def _again(self, http: aiohttp.ClientSession, stopping: asyncio.Event,
                     raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            fresh = await self._poll(http, stopping, wait_s=0)
        except (_PollRefused, aiohttp.ClientError, OSError, TimeoutError, ValueError):
            return raws
        first = int(raws[0]["update_id"])
        # Only a batch that still starts with ours replaces it (nothing may be skipped).
        if fresh and int(fresh[0]["update_id"]) == first and len(fresh) >= len(raws):
            return fresh
        return raws

    async def _store(self, raws: list[dict[str, Any]]) -> None:
        # Stored and committed before the next call confirms them by its offset.
        await store(self.uows, self.timer, raws)
        self.offset = max(int(r["update_id"]) for r in raws) + 1
        self.on_stored()

    async def _poll(self, http: aiohttp.ClientSession, stopping: asyncio.Event,
                    wait_s: int | None = None) -> list[dict[str, Any]] | None:
        """One long poll, read as raw JSON: the inbox keeps exactly what Telegram sent."""
        url = self.bot.session.api.api_url(self.bot.token, "getUpdates")
        wait = self.poll_timeout if wait_s is None else wait_s
        body: dict[str, Any] = {"timeout": wait, "allowed_updates": ALLOWED_UPDATES}
        if self.offset is not None:
            body["offset"] = self.offset
        call = asyncio.ensure_future(http.post(
            url, json=body, timeout=aiohttp.ClientTimeout(total=wait + 10)))
        stop = asyncio.ensure_future(stopping.wait())
        try:
            done, _ = await asyncio.wait({call, stop}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # The task itself is cancelled (a stop that would not wait): the poll goes too,
            # or it ends later as an error nobody reads.
            call.cancel()
            raise
        finally:
            stop.cancel()
        if call not in done:
            # Stopping: whatever this poll would return stays unconfirmed and is resent.
            call.cancel()
            return None
        async with call.result() as response:
            answer = await response.json(content_type=None)
        if not answer.get("ok"):
            raise _PollRefused(answer)
        return list(answer.get("result") or [])


class _PollRefused(Exception):
    def __init__(self, answer: dict[str, Any]) -> None:
        self.retry_after = float((answer.get("parameters") or {}).get("retry_after") or 0)
        super().__init__(f"{answer.get('error_code')}: {answer.get('description')}")


class WebhookReceiver:
    """An aiohttp route Telegram POSTs updates to.

    Telegram sends different chats' updates at once, over several connections. Updates that
    arrive while a store is under way are stored together by the next one (one transaction
    for many), and each is answered once the transaction that carried it has committed."""

    def __init__(self, uows: UnitOfWorkFactory, timer: Clock, secret: str,
                 on_stored: Callable[[], None], *, guard: Guard = UNGUARDED) -> None:
        self.uows = uows
        self.timer = timer
        self.secret = secret.encode()
        self.on_stored = on_stored
        self.guard = guard
        self.accepting = True
        # Set once the platform has taken our webhook address (readiness).
        self.connected = False
        self.held = 0
        self._stores: Batcher[IncomingUpdate] = Batcher(self._store)

    async def _store(self, updates: list[IncomingUpdate]) -> None:
        await store_incoming(self.uows, self.timer, updates)

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook call with a wrong or missing secret",
                        extra={"remote": request.remote})
            return web.Response(status=401, text="unauthorized")
        if not self.accepting:
            # Shutting down: Telegram keeps the update and sends it again later.
            return web.Response(status=503, text="stopping")
        try:
            update = incoming(await request.json())
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("webhook call with a malformed body")
            return web.Response(status=400, text="bad update")
        try:
            await self._stores.put(update)
        except Exception as error:
            # Not stored, so not taken: any answer but 2xx makes the platform send it again.
            self.guard.failed("webhook", error)
            report_failure("webhook", error, 1, 0)
            return web.Response(status=503, text="cannot store the update now; send it again")
        self.guard.succeeded("webhook")
        self.on_stored()
        return web.Response(text="ok")
