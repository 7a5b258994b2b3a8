"""SQLite on the event loop's own thread, for the async engine.

SQLite answers a statement from its page cache in microseconds. The asyncio driver hands every
call to a thread of its own and back: about 65 µs of CPU a hop, and four hops a statement
(cursor, execute, fetch, close), some 7 ms of each report in a storm. Here statements run
where the engine's greenlet already is, like a synchronous driver's. Two things may take
long, and those go to a thread, while the loop goes on:

- COMMIT: it may checkpoint the write-ahead log, which syncs the file to disk;
- a statement that finds the database locked by another connection (another process, the
  scheduler's job store): it is run again in a thread that waits up to the busy timeout.
  Inline, a statement never waits for a lock.

The URL stays `sqlite+aiosqlite://…`; `storage.db.create_engine` picks this dialect.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.base import SQLiteExecutionContext
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.util import await_only
from sqlalchemy.util.concurrency import in_greenlet

T = TypeVar("T")


async def _nothing() -> None:
    return None


def _awaited(connection: sqlite3.Connection) -> None:
    """What the async engine expects of a statement: that it awaited something.

    A statement that starts a transaction lets the loop turn once first, as a driver thread's
    answer would: a task that runs one transaction after another (a worker's rounds) still
    lets the others run between them. The rest pass through the greenlet's parent without
    a turn of the loop."""
    if in_greenlet():
        await_only(_nothing() if connection.in_transaction else asyncio.sleep(0))


def _off_the_loop(call: Callable[[], T]) -> T:
    if in_greenlet():
        return await_only(_to_the_end(call))
    return call()  # not called from the async engine: there is no loop to keep free


async def _to_the_end(call: Callable[[], T]) -> T:
    """`call` in a thread, awaited to its end even when the awaiting task is cancelled.

    A thread cannot be stopped, and the call uses the task's sqlite3 connection. Were the
    cancellation to end the task at once, its session would roll back and return that
    connection while the thread still ran in it: two threads in one sqlite3 connection
    crash the process. The cancellation is passed on once the call has returned.

    The call's future is the executor's own, not a task: a loop's teardown cancels every
    task, and a task around the call (`asyncio.to_thread`) then said it was done while the
    thread ran on."""
    running = asyncio.get_running_loop().run_in_executor(None, call)
    cancelled = False
    while not running.done():
        try:
            await asyncio.wait({running})
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return running.result()


def _locked(error: sqlite3.OperationalError) -> bool:
    return error.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _Cursor(sqlite3.Cursor):
    connection: InlineConnection

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        return self._run(sqlite3.Cursor.execute, sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> _Cursor:
        return self._run(sqlite3.Cursor.executemany, sql, seq_of_parameters)

    def _run(self, method: Callable[..., Any], sql: str, parameters: Any) -> _Cursor:
        _awaited(self.connection)
        try:
            method(self, sql, parameters)
        except sqlite3.OperationalError as error:
            # Outside the engine's greenlet (in the thread of `waiting` itself) the busy
            # timeout has already been waited out.
            if not _locked(error) or not in_greenlet():
                raise
            self.connection.waiting(lambda: method(self, sql, parameters))
        self._executed()
        return self

    def _executed(self) -> None:
        pass

    async def _async_soft_close(self) -> None:
        # Asked of every cursor whose result the async engine hands back whole.
        pass


class StreamingCursor(_Cursor):
    """A cursor whose rows are read as they are fetched (`AsyncSession.stream`)."""


class InlineCursor(_Cursor):
    """A cursor whose rows are all read when it runs, as an asyncio driver's are: a result
    read after its transaction ended still has them."""

    _rows: deque[Any] | None = None

    def _executed(self) -> None:
        self._rows = deque(super().fetchall()) if self.description else None

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows
        if not rows:
            return []
        count = min(self.arraysize if size is None else size, len(rows))
        return [rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, None
        return list(rows) if rows else []


# The pause before a call SQLite refused without waiting is made again.
AGAIN_AFTER_S = 0.05


class InlineConnection(sqlite3.Connection):
    # How long a statement that found the database locked waits for it, in a thread.
    wait_s: float = 30.0

    def cursor(self, factory: Any = InlineCursor) -> Any:  # type: ignore[override]
        return super().cursor(factory)

    def commit(self) -> None:
        if self.in_transaction:
            _off_the_loop(super().commit)

    def waiting(self, call: Callable[[], T], *, again_when_refused: bool = False) -> T:
        """`call` in a thread that waits up to `wait_s` for the database's lock.

        SQLite does not always wait: a connection that reads while another holds the write
        lock is refused at once when its waiting could deadlock the two (turning WAL on in a
        database another process is migrating, say). With `again_when_refused` the call is
        made again after a pause, until `wait_s` has passed; only for a call that leaves no
        transaction open, so that trying again starts it afresh."""
        def wait() -> T:
            self.execute(f"PRAGMA busy_timeout={int(self.wait_s * 1000)}")
            deadline = time.monotonic() + self.wait_s
            try:
                while True:
                    try:
                        return call()
                    except sqlite3.OperationalError as error:
                        if (not again_when_refused or not _locked(error)
                                or time.monotonic() >= deadline):
                            raise
                    time.sleep(AGAIN_AFTER_S)
            finally:
                self.execute("PRAGMA busy_timeout=0")
        return _off_the_loop(wait)


class InlineExecutionContext(SQLiteExecutionContext):
    def create_server_side_cursor(self) -> Any:
        # SQLite's cursor already reads row by row as it is fetched.
        return self._dbapi_connection.cursor(StreamingCursor)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    driver = "inline"
    is_async = True
    supports_statement_cache = True
    supports_server_side_cursors = True
    execution_ctx_cls = InlineExecutionContext

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        wait_s = float(kwargs.pop("timeout", InlineConnection.wait_s))
        # Used by one task at a time, but a commit or a wait runs in a thread.
        kwargs["check_same_thread"] = False
        connection = sqlite3.connect(*args, timeout=0, factory=InlineConnection, **kwargs)
        connection.wait_s = wait_s
        return connection


registry.register("sqlite.inline", __name__, InlineSQLiteDialect.__name__)


def inline_url(url: URL) -> URL:
    """The same database through this dialect."""
    return url.set(drivername="sqlite+inline")
