"""Handles stored updates exactly once: claim, handle and mark done in one transaction.

If the process dies half-way, the transaction never commits: the update is still pending and
the next run handles it from the start. Replies go to the outbox in that same transaction, so
they exist if and only if the update was handled.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.clock import Clock
from domain.errors import DomainError
from handlers.context import Context
from handlers.directory import Directory
from handlers.errors import reply_domain_error, reply_unexpected
from handlers.later import decode_internal
from handlers.router import dispatch
from handlers.services import Services
from messaging.inbound import ButtonPress, Event, Internal, Message
from storage.models import InboxRow
from storage.repositories.tickets import StaleTicket
from storage.uow import UnitOfWork, UnitOfWorkFactory

from .looping import keep_working
from .telemetry import SILENT, Telemetry
from .trouble import UNGUARDED, Guard, is_database_trouble

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CONFLICT_RETRIES = 5

Decoder = Callable[[int, dict[str, Any]], Event | None]


@dataclass
class Core:
    """Everything a handler context is made of, except the unit of work."""

    clock: Clock
    directory: Directory
    services: Services

    def context(self, uow: UnitOfWork) -> Context:
        return Context(uow=uow, clock=self.clock, directory=self.directory,
                       services=self.services, now=self.clock.now())


@dataclass
class _Worker:
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    in_round: bool = False


class InboxProcessor:
    def __init__(self, uows: UnitOfWorkFactory, core: Core, decoders: dict[str, Decoder],
                 timer: Clock, after_commit: Callable[[Context], None], *,
                 guard: Guard = UNGUARDED, telemetry: Telemetry = SILENT) -> None:
        self.uows = uows
        self.guard = guard
        self.telemetry = telemetry
        self.core = core
        self.decoders = {"internal": decode_internal, **decoders}
        self.timer = timer
        self.after_commit = after_commit
        self.handled = 0
        # Each worker sleeps on an event of its own: a stored update is work for one worker,
        # and waking every worker for it had the others each spend a transaction claiming
        # nothing.
        self._workers: list[_Worker] = []
        self._rounds = 0

    @property
    def busy(self) -> bool:
        """Whether some worker is in the middle of a round."""
        return self._rounds > 0

    def poke(self) -> None:
        """Wake one worker: one that sleeps, else one in a round (it looks again after it)."""
        if not self._workers:
            return  # none started yet: each starts with a round anyway
        chosen = next((w for w in self._workers if not w.in_round and not w.wakeup.is_set()),
                      None)
        if chosen is None:
            self._workers.append(self._workers.pop(0))  # take turns at the extra looks
            chosen = self._workers[-1]
        chosen.wakeup.set()

    async def run(self, stopping: asyncio.Event) -> None:
        worker = _Worker()
        self._workers.append(worker)

        async def round_() -> bool:
            worker.in_round = True
            try:
                return await self.step()
            finally:
                worker.in_round = False

        try:
            await keep_working(round_, worker.wakeup, stopping, idle_seconds=1.0,
                               what="inbox", guard=self.guard)
        finally:
            self._workers.remove(worker)

    async def step(self) -> bool:
        """Handle one pending update; False when there is none."""
        self._rounds += 1
        try:
            return await self._step()
        finally:
            self._rounds -= 1

    async def _step(self) -> bool:
        for _ in range(CONFLICT_RETRIES):
            outcome = await self._attempt()
            if outcome != "conflict":
                return outcome != "idle"
        log.warning("update kept conflicting with other workers; it stays pending")
        return True

    async def _attempt(self) -> str:
        failure: BaseException | None = None
        event: Event | None = None
        async with self.uows() as uow:
            ctx = self.core.context(uow)
            # Marked done as it is claimed: the mark commits with the handling, or neither.
            row = await uow.inbox.take_next(self.timer.now(), ctx.now)
            if row is None:
                return "idle"
            row_id, update_id = row.id, row.update_id
            started = time.perf_counter()
            try:
                event = self._decode(row)
                if event is not None:
                    await dispatch(event, ctx)
                await uow.commit()
            except Exception as error:
                if is_database_trouble(error):
                    # Not the update's fault: nothing was committed, and it is handled from
                    # the start once the database is back (the worker's loop retries).
                    raise
                # A rule the request broke is a handled update, answered with the reason.
                self.telemetry.handled(_kind_of(event), time.perf_counter() - started,
                                       isinstance(error, DomainError))
                if isinstance(error, StaleTicket | IntegrityError):
                    log.info("concurrent change, handling again",
                             extra={"update_id": update_id, "error": type(error).__name__})
                    return "conflict"
                if isinstance(error, DBAPIError) and _is_serialization_failure(error):
                    return "conflict"
                failure = error
            else:
                self.telemetry.handled(_kind_of(event), time.perf_counter() - started, True)
                self.handled += 1
                self.after_commit(ctx)
                return "done"
        await self._record_failure(row_id, update_id, event, failure)
        return "failed"

    async def _record_failure(self, row_id: int, update_id: int, event: Event | None,
                              failure: BaseException) -> None:
        async with self.uows() as uow:
            ctx = self.core.context(uow)
            if isinstance(failure, DomainError):
                # The request broke a rule: the user hears why; the update is done.
                if event is not None:
                    reply_domain_error(event, failure, ctx)
                await uow.inbox.mark_done(row_id, ctx.now)
            else:
                log.error("update failed", exc_info=failure, extra={"update_id": update_id})
                retry_at = self.timer.now() + _backoff(await _attempts(uow, row_id))
                attempts = await uow.inbox.mark_retry(row_id, repr(failure), retry_at)
                if attempts >= MAX_ATTEMPTS:
                    # Parked for the admins; the chat's later updates may proceed.
                    await uow.inbox.mark_failed(row_id, repr(failure), ctx.now)
                    reply_unexpected(event, ctx, update_id, failure)
            await uow.commit()
        self.after_commit(ctx)

    def _decode(self, row: Any) -> Event | None:
        """`row`: the inbox row's update_id and payload."""
        payload = row.payload
        decoder = self.decoders.get(payload.get("platform", ""))
        if decoder is None:
            log.error("update from an unknown platform", extra={"update_id": row.update_id})
            return None
        return decoder(row.update_id, payload)


async def _attempts(uow: UnitOfWork, row_id: int) -> int:
    row = await uow.session.get(InboxRow, row_id)
    return row.attempts if row else 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60.0, 0.5 * 2 ** attempts))


def _kind_of(event: Event | None) -> str:
    if isinstance(event, Message):
        return "command" if event.command is not None else "message"
    if isinstance(event, ButtonPress):
        return "button"
    if isinstance(event, Internal):
        return "internal"
    return "other"


def _is_serialization_failure(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in ("40001", "40P01")
