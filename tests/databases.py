"""Throwaway databases for tests: SQLite files, and PostgreSQL databases cloned from a template.

PostgreSQL is used when LIAISON_TEST_DATABASE_URL is set (CI always sets it). Each test gets a
database of its own, so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.migrate import upgrade

PG_URL = os.environ.get("LIAISON_TEST_DATABASE_URL", "")
DROPS_AT_ONCE = 4
_names = itertools.count()


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class SqliteTemplates:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.template: Path | None = None

    def migrated(self, target: Path) -> str:
        if self.template is None:
            self.template = self.root / "template.db"
            upgrade(sqlite_url(self.template))
        shutil.copyfile(self.template, target)
        return sqlite_url(target)


class PostgresDatabases:
    """Creates databases on the test server; the migrated template is built once a session."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.prefix = f"liaison_t{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self.created: list[str] = []
        self._template_ready = False
        # Dropping a database waits for a checkpoint of the whole server (PostgreSQL 15), a
        # second or more while other tests write; the next test need not wait for that, so
        # drops run aside. Drops that run together share a checkpoint: several at once clear
        # a backlog in about the time of one.
        self._dropper = ThreadPoolExecutor(max_workers=DROPS_AT_ONCE,
                                           thread_name_prefix="drop-database")
        self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clone-database")
        self._next: Future[str] | None = None

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        admin = self.url.set(drivername="postgresql", database=self.url.database or "postgres")
        return psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True)

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def empty(self) -> str:
        name = f"{self.prefix}_{next(_names)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            _commit_without_waiting_for_the_disk(conn, name)
        self.created.append(name)
        return self._url_of(name)

    def migrated(self) -> str:
        if not self._template_ready:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.template}" TEMPLATE template0')
            upgrade(self._url_of(self.template))
            self._template_ready = True
        # Cloning takes the server a quarter of a second to a second; the clone for the next
        # test is made while this one runs (one at a time, never two from the template at
        # once). Each test still gets a database no other test has used.
        ready = self._next.result() if self._next is not None else self._clone()
        self._next = self._maker.submit(self._clone)
        return ready

    def _clone(self) -> str:
        name = f"{self.prefix}_{next(_names)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            _commit_without_waiting_for_the_disk(conn, name)
        self.created.append(name)
        return self._url_of(name)

    def cut(self, url: str) -> None:
        """The database goes away: its connections are ended and new ones refused."""
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))

    def restore(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name is not None
        self._drop_name(name)
        if name in self.created:
            self.created.remove(name)

    def drop_soon(self, url: str) -> None:
        """Drops the database in the background; its users must have closed their
        connections (any left are ended). `drop_all` waits for it, and drops again whatever
        a background drop failed to."""
        self._dropper.submit(self.drop, url)

    def drop_all(self) -> None:
        # The clone made ahead for a test that never came is in `created` too; the template
        # goes last, once no clone is being made from it.
        self._maker.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        with ThreadPoolExecutor(max_workers=DROPS_AT_ONCE) as dropping:
            list(dropping.map(self._drop_name, list(self.created)))
        self._drop_name(self.template)
        self.created.clear()

    def _drop_name(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _commit_without_waiting_for_the_disk(conn, name: str) -> None:  # type: ignore[no-untyped-def]
    """Every session on the test database commits without waiting for its WAL to reach the
    disk (about 1 ms a commit on this machine, hundreds of commits a test). What a commit
    makes visible, and when, is unchanged; only a crash of the PostgreSQL server itself could
    lose the last commits, and no test crashes the server (the outage tests cut connections).
    """
    conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
