"""The loop every background worker runs: work while there is work, then sleep until poked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from .trouble import UNGUARDED, Guard, is_database_trouble, pause

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
                       idle_seconds: float | Callable[[], Awaitable[float]], what: str,
                       guard: Guard = UNGUARDED) -> None:
    """Run `step` until it finds nothing to do, then wait (`idle_seconds`, or as long as it
    says when asked each time). A failure anywhere in a round — the step, or the question how
    long to wait — is logged and the round tried again after a growing pause, so neither a
    bad row nor a database outage stops a worker."""
    failures = 0
    while not stopping.is_set():
        # Cleared before the round, not after: a poke that arrives while the round runs
        # must end the wait that follows, or its work waits for the periodic look.
        wakeup.clear()
        try:
            worked = await step()
            wait = 0.0 if worked else (
                idle_seconds if isinstance(idle_seconds, int | float) else await idle_seconds())
        except Exception as error:
            failures += 1
            guard.failed(what, error)
            delay = guard.backoff.delay(failures)
            report_failure(what, error, failures, delay)
            await pause(stopping, delay)
            continue
        failures = 0
        guard.succeeded(what)
        if worked:
            continue
        await wait_for_poke(wakeup, stopping, wait)


def report_failure(what: str, error: BaseException, failures: int, retry_in: float) -> None:
    """One log line per failed round; the traceback only the first time, and never for the
    database being away (the same line would fill the log during an outage)."""
    extra = {"worker": what, "failures": failures, "retry_in_s": round(retry_in, 2),
             "error": f"{type(error).__name__}: {str(error)[:200]}"}
    if is_database_trouble(error):
        log.warning("database unreachable; trying again", extra=extra)
    elif failures == 1:
        log.exception("background round failed; trying again", extra=extra)
    else:
        log.warning("background round failed again; trying again", extra=extra)
