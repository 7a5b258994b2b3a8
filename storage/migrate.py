"""Apply the Alembic migrations (`liaison-bot db upgrade`, and at every start).

Several workers may start at once, on a new database or after a release with a new migration.
They take turns: on PostgreSQL the first holds an advisory lock while it upgrades and the others
wait for it, then find the schema current; on SQLite the upgrade runs in one transaction that
holds the database's write lock from its first statement. A start on a current schema costs
one query and takes no lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, pool, text

from storage.db import sync_url

MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_lock takes a bigint; this one is ours ("LIAISON" in ASCII).
SCHEMA_LOCK = 0x4C494149534F4E


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns (before, after) revisions, where
    `before` is what this call found once it had the lock (another worker may have upgraded
    meanwhile)."""
    head = head_revision()
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            found = _revision(connection)
            connection.commit()
            if found == head:
                return head, head
            with _schema_lock(connection), connection.execution_options(migrating=True).begin():
                before = _revision(connection)
                if before != head:
                    config = alembic_config(url)
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
            return before, head
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return _revision(connection)
    finally:
        engine.dispose()


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _schema_lock(connection: Connection) -> Iterator[None]:
    """PostgreSQL: one upgrader at a time per database (the lock is the session's, so it is
    released if the process dies). SQLite needs none: see `_sqlite_transactions`."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
    connection.commit()
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})
        connection.commit()


def _engine(url: str) -> Engine:
    sqlite = url.startswith("sqlite")
    engine = create_engine(sync_url(url), poolclass=pool.NullPool,
                           connect_args={"timeout": 60} if sqlite else {})
    if sqlite:
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_transactions)
    return engine


def _sqlite_autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
    # The driver would otherwise open (and not open) transactions by its own rules, and runs
    # DDL outside them; SQLAlchemy's "begin" below decides instead.
    dbapi_connection.isolation_level = None


def _sqlite_transactions(connection: Connection) -> None:
    # An upgrade holds the write lock from its first statement, so a second upgrader waits
    # and then reads the revision the first one wrote; a look at the revision locks nothing.
    if connection.get_execution_options().get("migrating"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")
