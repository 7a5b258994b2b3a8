"""Across bot processes sharing one PostgreSQL database: "updates wait in the inbox".

A platform delivers each of its queues over one connection (Telegram: one busy group's
updates one after another), so a storm in one group reaches one process. Every process
claims from the same inbox, but a process only knows to look when an update was stored by
itself, or at its periodic look. The transaction that stores updates therefore also
announces them (`NOTIFY`, sent when it commits, never for a rollback), and each process
listens and wakes an inbox worker of its own. The periodic look stays: a notification
lost while a listener reconnects costs at most one period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

log = logging.getLogger(__name__)

CHANNEL = "liaison_inbox"


async def announce_inbox(session: AsyncSession, sender: str) -> None:
    """Tell the other processes, when this transaction commits, that updates wait.
    `sender` names this process, which needs no telling."""
    await session.execute(select(func.pg_notify(CHANNEL, sender)))


class InboxListener:
    """Hears the other processes' announcements and calls `on_wake` for each."""

    def __init__(self, engine: AsyncEngine, me: str, on_wake: Callable[[], None],
                 retry_s: Callable[[int], float]) -> None:
        self.engine = engine
        self.me = me
        self.on_wake = on_wake
        self.retry_s = retry_s
        self.listening = False

    def _heard(self, _connection: Any, _pid: int, _channel: str, sender: str) -> None:
        if sender != self.me:
            self.on_wake()

    async def run(self, stopping: asyncio.Event) -> None:
        failures = 0
        while not stopping.is_set():
            try:
                await self._listen(stopping)
                failures = 0
            except Exception as error:  # the database is away: listen again when it is back
                failures += 1
                delay = self.retry_s(failures)
                log.warning("not listening for other processes' updates; trying again",
                            extra={"error": f"{type(error).__name__}: {str(error)[:200]}",
                                   "retry_in_s": round(delay, 2)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), delay)

    async def _listen(self, stopping: asyncio.Event) -> None:
        """Until stopping or the connection is lost (held out of the pool's reach)."""
        async with self.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            lost = asyncio.Event()
            raw.add_termination_listener(lambda _: lost.set())
            await raw.add_listener(CHANNEL, self._heard)
            self.listening = True
            # Whatever was announced before this listener ran is claimed by the next look.
            self.on_wake()
            try:
                waits = {asyncio.ensure_future(stopping.wait()),
                         asyncio.ensure_future(lost.wait())}
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for wait in waits:
                        wait.cancel()
                if lost.is_set():
                    raise ConnectionError("the listening connection was closed")
            finally:
                self.listening = False
                if not lost.is_set():
                    # The connection goes back to the pool: not listening any more.
                    await raw.remove_listener(CHANNEL, self._heard)

