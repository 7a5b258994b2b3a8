"""Engine and session factory; nothing connects until the composition root asks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import NullPool

from storage.models import OutboxRow, PendingReportRow
from storage.sqlite_inline import inline_url


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10, pool_overflow: int = 10,
                  statement_timeout_s: float = 0, connect_timeout_s: float = 10) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            inline_url(parsed), echo=echo,
            poolclass=NullPool if database in ("", ":memory:") else None,
            connect_args={"timeout": 30},
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    connect_args: dict[str, Any] = {"timeout": connect_timeout_s}
    if statement_timeout_s:
        connect_args["server_settings"] = {
            "statement_timeout": str(int(statement_timeout_s * 1000))}
    engine = create_async_engine(url, echo=echo, pool_size=pool_size,
                                 max_overflow=pool_overflow, pool_timeout=connect_timeout_s,
                                 connect_args=connect_args)
    event.listen(engine.sync_engine, "checkout", _ended_by_the_server)
    return engine


class UnitSession(Session):
    """The session of a unit of work (see the two listeners below)."""


@event.listens_for(UnitSession, "before_flush")
def _note_files_to_read(session: Session, _context: Any, _instances: Any) -> None:
    # A report row waiting for a file to be read is work for the document reader; a flush
    # before the commit would hide it from the commit's look at the pending changes.
    if any(isinstance(row, PendingReportRow) and row.fetch_file_id is not None
           for row in (*session.new, *session.dirty)):
        session.info["files_to_read"] = True


@event.listens_for(UnitSession, "do_orm_execute")
def _queued_messages_first(state: ORMExecuteState) -> None:
    # Messages added in this unit of work are written together, late (`OutboxRepository`);
    # a query of the outbox through the ORM must still see them.
    outbox = state.session.info.get("outbox")
    if outbox is None or not outbox.queued:
        return
    if any(mapper.class_ is OutboxRow for mapper in state.all_mappers):
        outbox.write_added_now(state.session)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=UnitSession)


def sync_url(url: str) -> str:
    """The same database for synchronous clients (migrations' checks, the job store)."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}[parsed.get_backend_name()]
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _ended_by_the_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A connection the server ended (a restart, a failover, an outage) is replaced before
    # use; the pool then tries the next one or connects anew. The driver already knows, so
    # this asks no question of the server: a ping at each checkout would cost three round
    # trips (begin, ping, rollback) for every transaction.
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the database server ended this connection")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The Python driver opens transactions itself; SQLAlchemy's "begin" hook takes over so
    # that every transaction starts IMMEDIATE (one writer at a time, no upgrade deadlocks).
    dbapi_connection.isolation_level = None

    def settings() -> None:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    # Off the loop, waiting for the lock if need be: turning WAL on takes the database for
    # itself a moment, and a new connection that found it busy would quietly stay without.
    # When several processes start on a new database, one may be migrating it (holding the
    # write lock) as another connects, and SQLite then refuses at once rather than wait.
    dbapi_connection.waiting(settings, again_when_refused=True)


def _sqlite_begin_immediate(connection: Any) -> None:
    # Readers (digests, lists) need no write lock; WAL lets them run beside the writer.
    if connection.get_execution_options().get("read_only"):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
