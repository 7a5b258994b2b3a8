"""When a round of background work fails: which failures mean the database is away, how long
to wait before trying again, and whom to tell.

Every long-running loop (receivers, inbox workers, the sender, the media and file readers,
the scheduler) reports each failed and each successful round to one `Guard`. The base class
only paces retries; the application's guard (`bot.health.outage.OutageWatch`) also notices
an outage of the database and tells the admins about it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass

from sqlalchemy import exc as sa_exc

# SQLSTATE classes that say the server or the connection is the trouble, not the statement:
# 08 connection exception, 53 insufficient resources (too many connections), 57 operator
# intervention (shutdown, cannot connect now, statement timeout), 55000 database not
# accepting connections.
_OUTAGE_STATES = ("08", "53", "57", "55000", "58")


@dataclass(frozen=True)
class Backoff:
    """Waits between tries of a failing round: doubling from `initial_s` up to `max_s`,
    with jitter so that many loops do not retry in step."""

    initial_s: float = 0.5
    max_s: float = 15.0

    def delay(self, failures: int) -> float:
        base = self.initial_s * 2.0 ** max(0, min(failures, 30) - 1)
        return min(self.max_s, base) * random.uniform(0.8, 1.0)


class Guard:
    """Told about the rounds of background work; paces retries. Subclasses watch outages."""

    def __init__(self, backoff: Backoff | None = None) -> None:
        self.backoff = backoff or Backoff()

    def failed(self, what: str, error: BaseException) -> None:
        """A round failed with `error` (it will be tried again)."""

    def succeeded(self, what: str) -> None:
        """A round that used the database went through."""


UNGUARDED = Guard()


def is_database_trouble(error: BaseException) -> bool:
    """True when the database (or the way to it) failed, rather than the statement: the work
    is fine and will go through once the database is back."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _outage_like(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _outage_like(error: BaseException) -> bool:
    if isinstance(error, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # no connection to be had from the pool
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated or error.statement is None:
            return True  # the connection broke, or could not be made
        if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
            return True
        state = _sqlstate(error.orig)
        return bool(state) and state.startswith(_OUTAGE_STATES)
    module = type(error).__module__
    if module.startswith("asyncpg"):
        from asyncpg import exceptions as pg

        return isinstance(error, pg.PostgresConnectionError | pg.InterfaceError
                          | pg.CannotConnectNowError | pg.ConnectionDoesNotExistError)
    if module.startswith(("psycopg", "sqlite3")):
        return type(error).__name__ in ("OperationalError", "InterfaceError")
    return False


def _sqlstate(orig: BaseException | None) -> str:
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


async def pause(stopping: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if the process is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
