"""The loop every background worker runs: work while there is work, then sleep until poked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def wait_for_poke(wakeup: asyncio.Event, stopping: asyncio.Event, seconds: float) -> None:
    """Sleep until poked, stopped, or `seconds` have passed (a periodic look for work)."""
    waiter = asyncio.ensure_future(wakeup.wait())
    stopper = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({waiter, stopper}, timeout=seconds,
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        stopper.cancel()


async def keep_working(step: Callable[[], Awaitable[int | bool]], wakeup: asyncio.Event,
                       stopping: asyncio.Event, *,
                       idle_seconds: float | Callable[[], Awaitable[float]], what: str) -> None:
    """Run `step` until it finds nothing to do, then wait (`idle_seconds`, or as long as it
    says when asked each time); a failing round is logged and tried again a little later, so
    one bad row never stops a worker."""
    while not stopping.is_set():
        # Cleared before the round, not after: a poke that arrives while the round runs
        # must end the wait that follows, or its work waits for the periodic look.
        wakeup.clear()
        try:
            worked = await step()
        except Exception:
            log.exception("background round failed; trying again", extra={"worker": what})
            worked = False
            await asyncio.sleep(1)
        if worked:
            continue
        wait = idle_seconds if isinstance(idle_seconds, int | float) else await idle_seconds()
        await wait_for_poke(wakeup, stopping, wait)
