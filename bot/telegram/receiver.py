"""Taking updates from Telegram: stored in the inbox first, confirmed only afterwards.

Polling confirms a batch by asking for the next offset, which we do only once the batch is
committed; a webhook answers 200 only after the commit. Either way an update is never lost
between Telegram and our database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiohttp import web

from bot.telegram.convert import dedup_key
from domain.clock import Clock
from storage.repositories.inbox import IncomingUpdate
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def incoming(raw: dict[str, Any]) -> IncomingUpdate:
    key, chat_id, message_id = dedup_key(raw)
    return IncomingUpdate(update_id=int(raw["update_id"]), dedup_key=key, chat_id=chat_id,
                          payload={"platform": "telegram", "update": raw},
                          message_id=message_id)


async def store(uows: UnitOfWorkFactory, timer: Clock, raws: list[dict[str, Any]]) -> int:
    async with uows() as uow:
        added = await uow.inbox.add([incoming(raw) for raw in raws], timer.now())
        await uow.commit()
    return added


class PollingReceiver:
    def __init__(self, bot: Bot, uows: UnitOfWorkFactory, timer: Clock,
                 on_stored: Callable[[], None], poll_timeout: int = 25) -> None:
        self.bot = bot
        self.uows = uows
        self.timer = timer
        self.on_stored = on_stored
        self.poll_timeout = poll_timeout
        self.offset: int | None = None

    async def run(self, stopping: asyncio.Event) -> None:
        failures = 0
        async with aiohttp.ClientSession() as http:
            while not stopping.is_set():
                try:
                    raws = await self._poll(http, stopping)
                except _PollRefused as error:
                    failures += 1
                    delay = error.retry_after or min(30.0, 0.5 * 2 ** min(failures, 6))
                    log.warning("getUpdates refused", extra={"error": str(error)[:200],
                                                             "retry_in_s": delay})
                    await _pause(stopping, delay)
                    continue
                except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
                    failures += 1
                    delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                    log.warning("getUpdates failed", extra={"error": str(error)[:200],
                                                            "retry_in_s": delay})
                    await _pause(stopping, delay)
                    continue
                failures = 0
                if raws:
                    await self._store(raws)

    async def _store(self, raws: list[dict[str, Any]]) -> None:
        # Stored and committed before the next call confirms them by its offset.
        await store(self.uows, self.timer, raws)
        self.offset = max(int(r["update_id"]) for r in raws) + 1
        self.on_stored()

    async def _poll(self, http: aiohttp.ClientSession,
                    stopping: asyncio.Event) -> list[dict[str, Any]] | None:
        """One long poll, read as raw JSON: the inbox keeps exactly what Telegram sent."""
        url = self.bot.session.api.api_url(self.bot.token, "getUpdates")
        body: dict[str, Any] = {"timeout": self.poll_timeout, "allowed_updates": ALLOWED_UPDATES}
        if self.offset is not None:
            body["offset"] = self.offset
        call = asyncio.ensure_future(http.post(
            url, json=body, timeout=aiohttp.ClientTimeout(total=self.poll_timeout + 10)))
        stop = asyncio.ensure_future(stopping.wait())
        done, _ = await asyncio.wait({call, stop}, return_when=asyncio.FIRST_COMPLETED)
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
    """An aiohttp route Telegram POSTs updates to."""

    def __init__(self, uows: UnitOfWorkFactory, timer: Clock, secret: str,
                 on_stored: Callable[[], None]) -> None:
        self.uows = uows
        self.timer = timer
        self.secret = secret.encode()
        self.on_stored = on_stored
        self.accepting = True

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
            raw = await request.json()
            int(raw["update_id"])
        except (ValueError, KeyError, TypeError):
            log.warning("webhook call with a malformed body")
            return web.Response(status=400, text="bad update")
        await store(self.uows, self.timer, [raw])
        self.on_stored()
        return web.Response(text="ok")


async def _pause(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
