"""The unit of work: one transaction per inbound event or scheduled job.

It is the only thing that commits. Leaving the block without `commit()` rolls back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import PendingReportRow
from storage.queries.repository import Queries
from storage.repositories.console import ConsoleQueries
from storage.repositories.inbox import InboxRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.pending import PendingReportRepository
from storage.repositories.people import UserRepository
from storage.repositories.refs import MessageRefRepository
from storage.repositories.runs import JobRunRepository
from storage.repositories.tickets import TicketRepository
from storage.repositories.web_access import WebAccessRepository
from storage.wakeups import announce_inbox


class ConcurrentChange(Exception):
    """Another worker changed the same row first; the whole unit of work should be retried."""


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], read_only: bool = False,
                 write_lock: asyncio.Lock | None = None, announce_as: str | None = None) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self._write_lock = None if read_only else write_lock
        # Other processes share the database: stored updates are announced to them.
        self._announce_as = announce_as
        self.session: AsyncSession
        self._before_commit: list[Callable[[], Awaitable[None]]] = []
        # Which background workers the committed transaction gave work to (see `work`).
        self.work: frozenset[str] = frozenset()

    async def __aenter__(self) -> UnitOfWork:
        if self._write_lock is not None:
            await self._write_lock.acquire()
        self.session = self._sessions()
        if self._read_only:
            await self.session.connection(execution_options={"read_only": True})
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        self.dialect = dialect
        self.tickets = TicketRepository(self.session, dialect)
        self.outbox = OutboxRepository(self.session, dialect)
        self.session.info["outbox"] = self.outbox
        self.inbox = InboxRepository(self.session, dialect)
        self.pending = PendingReportRepository(self.session, dialect)
        self.users = UserRepository(self.session, dialect)
        self.refs = MessageRefRepository(self.session, dialect)
        self.runs = JobRunRepository(self.session, dialect)
        self.console = ConsoleQueries(self.session, dialect)
        self.queries = Queries(self.session, dialect)
        self.web = WebAccessRepository(self.session, dialect)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        # Closing ends any open transaction without committing it; unlike rollback() it
        # leaves the rows already read usable for the caller.
        try:
            await self.session.close()
        finally:
            if self._write_lock is not None:
                self._write_lock.release()

    def before_commit(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run `hook` inside the transaction just before each commit. The handlers register
        the consequences of ticket changes here (`handlers/consequences/`); storage only
        calls it, knowing nothing of what it does."""
        self._before_commit.append(hook)

    async def commit(self) -> None:
        for hook in self._before_commit:
            await hook()
        await self.tickets.save_touched()
        await self.outbox.write_added()
        work = self._work_written()
        if "inbox" in work and self._announce_as is not None:
            await announce_inbox(self.session, self._announce_as)
        await self.session.commit()
        self.work = self.work | work

    def _work_written(self) -> frozenset[str]:
        """What this transaction left for a background worker: messages to send ("outbox"),
        photos to download ("photos"), files to read ("files"), updates to handle
        ("inbox"). Only those workers are woken after the commit; a worker woken for nothing
        spends a transaction finding that out."""
        work = set()
        if self.outbox.wrote:
            work.add("outbox")
        if self.tickets.photos_added:
            work.add("photos")
        if self.inbox.added:
            work.add("inbox")
        if self.session.info.pop("files_to_read", False) or any(
                isinstance(row, PendingReportRow) and row.fetch_file_id is not None
                for row in (*self.session.new, *self.session.dirty)):
            work.add("files")
        return frozenset(work)

    async def execute(self, statement: Any) -> Any:
        """For read models and aggregates that are not worth a repository method of their own."""
        await self.outbox.write_added()
        return await self.session.execute(statement)


class UnitOfWorkFactory:
    """Makes units of work. On SQLite, which admits one writer at a time, writers of this
    process queue on a lock instead of colliding in the database, where a blocked writer
    would poll with growing sleeps."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *,
                 announce_as: str | None = None) -> None:
        """`announce_as`: this process's name, when other processes share the database and
        listen for stored updates (`storage/wakeups.py`; PostgreSQL)."""
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        single_writer = bind is not None and bind.dialect.name == "sqlite"
        self._write_lock = asyncio.Lock() if single_writer else None
        self._announce_as = announce_as

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self._sessions, read_only=read_only, write_lock=self._write_lock,
                          announce_as=self._announce_as)
