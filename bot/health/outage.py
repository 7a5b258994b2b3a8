"""Noticing that the database is away, and telling the admins.

Every background loop reports its rounds here (this is their `Guard`). The first failure that
means the database is unreachable starts an outage; the first round that gets through again
ends it. Once an outage has lasted `outage_notice_after_s`, the admins are told.

The notice cannot go through the outbox — the outbox is in the database that is away — so it
is sent straight through the platform port, retried until it gets through or the outage ends.
The all-clear goes through the outbox like any other message, in the first transaction after
the outage, which also records the notice as sent: the chat's known message ids then include
it, so the sender's search for a message lost in mid-send never mistakes it for another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.pipeline.trouble import Backoff, Guard, is_database_trouble, pause
from domain.clock import Clock
from handlers.texts import Texts
from messaging.outbound import SendText
from messaging.port import MessengerPort
from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

TICK_S = 0.25


@dataclass
class Outage:
    since: datetime
    failing: set[str]
    ended: datetime | None = None
    notice: SendText | None = None
    notice_id: str | None = None
    notice_tries: int = 0
    next_try: float = 0.0


class OutageWatch(Guard):
    def __init__(self, *, uows: UnitOfWorkFactory, port: MessengerPort, texts: Texts,
                 admin_chat_id: str | None, timer: Clock, tz: tzinfo,
                 notice_after_s: float, alerts: bool = True, exit_after_s: float = 0,
                 backoff: Backoff | None = None,
                 waiting_elsewhere: Callable[[], Awaitable[int]] | None = None,
                 written: Callable[[], None] = lambda: None,
                 give_up: Callable[[str], None] = lambda reason: None) -> None:
        super().__init__(backoff)
        self.uows = uows
        self.port = port
        self.texts = texts
        self.admin_chat_id = admin_chat_id if alerts else None
        self.timer = timer
        self.tz = tz
        self.notice_after_s = notice_after_s
        self.exit_after_s = exit_after_s
        self.waiting_elsewhere = waiting_elsewhere
        self.written = written
        self.give_up = give_up
        self.current: Outage | None = None
        # Outages over whose all-clear is still to be written.
        self.ended: list[Outage] = []
        self.outages = 0

    @property
    def database_down(self) -> bool:
        return self.current is not None

    # -- Guard ---------------------------------------------------------------------------

    def failed(self, what: str, error: BaseException) -> None:
        if not is_database_trouble(error):
            return
        if self.current is None:
            self.current = Outage(since=self.timer.now(), failing=set())
            self.outages += 1
            log.error("the database is unreachable; work waits and is retried",
                      extra={"worker": what, "error": f"{type(error).__name__}: "
                                                      f"{str(error)[:200]}"})
        self.current.failing.add(what)

    def succeeded(self, what: str) -> None:
        outage = self.current
        if outage is None:
            return
        outage.ended = self.timer.now()
        self.current = None
        seconds = (outage.ended - outage.since).total_seconds()
        log.warning("the database is back", extra={"worker": what, "outage_s": round(seconds, 1)})
        if outage.notice is not None or seconds >= self.notice_after_s:
            self.ended.append(outage)

    # -- the watch -----------------------------------------------------------------------

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            outage = self.current
            if outage is not None:
                lasted = (self.timer.now() - outage.since).total_seconds()
                if lasted >= self.notice_after_s and outage.notice_id is None:
                    await self._send_notice(outage, lasted)
                if self.exit_after_s and lasted >= self.exit_after_s:
                    self.give_up(f"the database has been unreachable for {lasted:.0f} s")
            while self.ended:
                if not await self._write_all_clear(self.ended[0]):
                    break
                self.ended.pop(0)
            await pause(stopping, TICK_S)

    async def _send_notice(self, outage: Outage, lasted: float) -> None:
        if self.admin_chat_id is None or asyncio.get_running_loop().time() < outage.next_try:
            return
        outage.notice = SendText(chat_id=self.admin_chat_id, text=self.texts(
            "health.outage_notice", seconds=round(lasted), since=self._clock_time(outage.since)))
        try:
            outage.notice_id = await self.port.send_text(outage.notice, None)
        except Exception as error:
            outage.notice_tries += 1
            outage.next_try = (asyncio.get_running_loop().time()
                               + self.backoff.delay(outage.notice_tries))
            log.warning("could not send the outage notice; trying again",
                        extra={"error": f"{type(error).__name__}: {str(error)[:200]}"})
            return
        log.info("admins told of the outage", extra={"message_id": outage.notice_id})

    async def _write_all_clear(self, outage: Outage) -> bool:
        assert outage.ended is not None
        if self.admin_chat_id is None:
            return True
        try:
            async with self.uows() as uow:
                now = self.timer.now()
                if outage.notice is not None and outage.notice_id is not None:
                    uow.outbox.add_sent(outage.notice, outage.notice_id, now)
                waited = await uow.inbox.waiting_since(outage.since)
                if self.waiting_elsewhere is not None:
                    waited += await self.waiting_elsewhere()
                text = self.texts(
                    "health.all_clear", duration=_duration(self.texts, outage),
                    since=self._clock_time(outage.since), until=self._clock_time(outage.ended),
                    waited=waited)
                uow.outbox.add(SendText(chat_id=self.admin_chat_id, text=text), now)
                await uow.commit()
        except Exception as error:
            self.failed("outage-watch", error)
            log.warning("could not write the all-clear yet",
                        extra={"error": f"{type(error).__name__}: {str(error)[:200]}"})
            return False
        log.info("admins told the outage is over", extra={"waited": waited})
        self.written()
        return True

    def _clock_time(self, when: datetime) -> str:
        return when.astimezone(self.tz).strftime("%H:%M:%S")


def _duration(texts: Texts, outage: Outage) -> str:
    assert outage.ended is not None
    seconds = round((outage.ended - outage.since).total_seconds())
    minutes, seconds = divmod(seconds, 60)
    if minutes:
        return texts("health.minutes_seconds", minutes=minutes, seconds=seconds)
    return texts("health.seconds", seconds=seconds)
