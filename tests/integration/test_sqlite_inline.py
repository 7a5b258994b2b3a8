"""SQLite run on the loop's thread (`storage/sqlite_inline.py`): what must still hold when
statements no longer go through a driver thread."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from storage.db import create_engine, session_factory
from storage.sqlite_inline import InlineConnection
from storage.uow import UnitOfWorkFactory
from tests.databases import SqliteTemplates


def _holding_the_write_lock(url: str) -> sqlite3.Connection:
    """Another connection to the database (as the bot leaves it: in WAL mode), in a write
    transaction."""
    other = sqlite3.connect(Path(make_url(url).database or ""), isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    return other


async def _count(uows: UnitOfWorkFactory, name: str) -> None:
    """One unit of work that writes a counter named `name`."""
    async with uows() as uow:
        await uow.session.execute(text(
            "INSERT INTO counters (name, value) VALUES (:name, 1)"), {"name": name})
        await uow.commit()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_templates: SqliteTemplates) -> str:
    return sqlite_templates.migrated(tmp_path / "liaison.db")


async def test_a_write_that_finds_the_database_locked_waits_without_stopping_the_loop(
        sqlite_url: str) -> None:
    # Another process (or the scheduler's job store) holds the write lock. Inline, a wait
    # for it would stop every other task of the bot until the lock is released.
    other = _holding_the_write_lock(sqlite_url)
    engine = create_engine(sqlite_url)
    uows = UnitOfWorkFactory(session_factory(engine))
    turns = 0

    try:
        writing = asyncio.create_task(_count(uows, "waited"))
        for _ in range(20):
            await asyncio.sleep(0.01)
            turns += 1
        assert not writing.done()
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
    finally:
        other.close()
        await engine.dispose()
    assert turns == 20
    async with uows() as uow:
        found = await uow.session.execute(text(
            "SELECT value FROM counters WHERE name = 'waited'"))
        assert found.scalar_one() == 1


async def test_a_write_cancelled_while_it_waits_in_the_thread_ends_with_the_thread(
        sqlite_url: str) -> None:
    # A task cancelled (a stop, a timeout) while its statement waits in a thread: the thread
    # cannot be stopped and still holds the sqlite3 connection. Had the task ended at once,
    # its session would roll back and return that connection while the thread still used
    # it; two threads in one sqlite3 connection crashed the whole process (SIGSEGV).
    other = _holding_the_write_lock(sqlite_url)
    engine = create_engine(sqlite_url)
    uows = UnitOfWorkFactory(session_factory(engine))

    try:
        writing = asyncio.create_task(_count(uows, "cancelled"))
        await asyncio.sleep(0.1)  # the insert now waits for the lock, in a thread
        writing.cancel()
        for _ in range(10):
            await asyncio.sleep(0.01)
        assert not writing.done()  # it waits for the thread, not only for the loop
        other.execute("ROLLBACK")
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(writing, 5)
        # The connection went back whole: the next unit of work uses it.
        await _count(uows, "after")
        async with uows() as uow:
            found = await uow.session.execute(text(
                "SELECT name FROM counters WHERE name IN ('cancelled', 'after')"))
            assert found.scalars().all() == ["after"]
    finally:
        other.close()
        await engine.dispose()


async def test_a_lock_held_past_the_busy_timeout_fails_the_write(sqlite_url: str) -> None:
    other = _holding_the_write_lock(sqlite_url)
    engine = create_engine(sqlite_url)
    uows = UnitOfWorkFactory(session_factory(engine))
    try:
        # The pool's one connection so far, used again by the unit of work.
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            raw.driver_connection.wait_s = 0.2
        with pytest.raises(Exception, match="locked"):
            await _count(uows, "never")
    finally:
        other.execute("ROLLBACK")
        other.close()
        await engine.dispose()


async def test_rows_read_stay_readable_after_the_transaction_ends(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("CREATE TABLE numbers (n INTEGER)"))
            await conn.execute(text("INSERT INTO numbers VALUES (1), (2), (3)"))
            await conn.commit()
            result = await conn.execute(text("SELECT n FROM numbers ORDER BY n"))
            await conn.commit()
            assert result.scalars().all() == [1, 2, 3]
            streamed = await conn.stream(text("SELECT n FROM numbers ORDER BY n"))
            assert [n async for n in streamed.scalars()] == [1, 2, 3]
    finally:
        await engine.dispose()


async def test_a_new_connection_turns_wal_on_while_another_process_migrates(
        tmp_path: Path) -> None:
    # Several processes starting on a new database: one migrates it (in a write transaction,
    # the file not yet in WAL mode) as another connects. SQLite refuses that connection's
    # switch to WAL at once, without waiting its busy timeout, since waiting could deadlock
    # the two; the connection used to fail, and the process with it.
    path = tmp_path / "new.db"
    migrating = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    migrating.execute("CREATE TABLE first (x)")
    migrating.execute("BEGIN IMMEDIATE")
    migrating.execute("INSERT INTO first VALUES (1)")
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, migrating.execute, "COMMIT")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            count = (await conn.execute(text("SELECT count(*) FROM first"))).scalar_one()
    finally:
        migrating.close()
        await engine.dispose()
    assert (mode, count) == ("wal", 1)



async def test_a_write_ends_with_its_thread_when_every_task_is_cancelled(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # A loop's teardown cancels every task, not only the one that waits: the helper task
    # that ran the thread call was cancelled too, said it was done while the thread still
    # waited for the lock, and the unit of work closed the sqlite3 connection under the
    # thread. A test worker died of SIGSEGV this way.
    other = _holding_the_write_lock(sqlite_url)
    released = asyncio.Event()
    closed_under_the_thread: list[bool] = []
    close = InlineConnection.close

    def noting_close(self: InlineConnection) -> None:
        closed_under_the_thread.append(not released.is_set())
        close(self)

    monkeypatch.setattr(InlineConnection, "close", noting_close)
    engine = create_engine(sqlite_url)
    uows = UnitOfWorkFactory(session_factory(engine))

    try:
        writing = asyncio.create_task(_count(uows, "torn down"))
        await asyncio.sleep(0.1)  # the insert now waits for the lock, in a thread
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()
        await asyncio.sleep(0.1)
        other.execute("ROLLBACK")
        released.set()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(writing, 5)
    finally:
        other.close()
        await engine.dispose()
    assert True not in closed_under_the_thread
