"""A change made from the web: one unit of work, retried when another worker changed the same
ticket first, and followed by the same wake-ups as a chat's update (the outbox sender…)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.web.deps import WebDeps
from handlers.context import Context
from storage.repositories.tickets import StaleTicket

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 5


class Busy(Exception):
    """The change kept colliding with other workers' changes."""


async def change(deps: WebDeps, work: Callable[[Context], Awaitable[T]]) -> T:
    """Run `work` in a unit of work and commit; a DomainError rolls back and propagates."""
    for _ in range(ATTEMPTS):
        async with deps.uows() as uow:
            ctx = deps.context(uow)
            try:
                result = await work(ctx)
                await uow.commit()
            except (StaleTicket, IntegrityError) as error:
                log.info("concurrent change from the web, trying again",
                         extra={"error": type(error).__name__})
                continue
            except DBAPIError as error:
                if _serialization_failure(error):
                    continue
                raise
        deps.after_commit(ctx)
        return result
    raise Busy()


def _serialization_failure(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in ("40001", "40P01")
