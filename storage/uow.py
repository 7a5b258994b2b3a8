"""The unit of work: one transaction per inbound event or scheduled job.

It is the only thing that commits. Leaving the block without `commit()` rolls back.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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


class ConcurrentChange(Exception):
    """Another worker changed the same row first; the whole unit of work should be retried."""


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], read_only: bool = False,
                 write_lock: asyncio.Lock | None = None) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self._write_lock = None if read_only else write_lock
        self.session: AsyncSession

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

    async def commit(self) -> None:
        await self.session.commit()

    async def execute(self, statement: Any) -> Any:
        """For read models and aggregates that are not worth a repository method of their own."""
        return await self.session.execute(statement)


class UnitOfWorkFactory:
    """Makes units of work. On SQLite, which admits one writer at a time, writers of this
    process queue on a lock instead of colliding in the database, where a blocked writer
    would poll with growing sleeps."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        bind = sessions.kw.get("bind")
        single_writer = bind is not None and bind.dialect.name == "sqlite"
        self._write_lock = asyncio.Lock() if single_writer else None

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self._sessions, read_only=read_only, write_lock=self._write_lock)
