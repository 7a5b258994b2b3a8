"""Whether a database URL points at a Liaison database, asked without creating one.

Commands that only read (export) must not leave an empty SQLite file behind when pointed at
the wrong place, and should say so in one line rather than fail on a missing table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, inspect, pool
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from storage.db import sync_url

REQUIRED_TABLE = "tickets"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases and in-memory ones)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def problem_with(url: str) -> str | None:
    """Why `url` is no Liaison database to read from, in a few words; None when it is."""
    path = sqlite_path(url)
    if path is not None:
        return _sqlite_problem(path)
    try:
        engine = create_engine(sync_url(url), poolclass=pool.NullPool)
        try:
            with engine.connect() as connection:
                found = inspect(connection).has_table(REQUIRED_TABLE)
        finally:
            engine.dispose()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        shown = make_url(url).render_as_string(hide_password=True)
        return f"cannot open the database {shown}: {reason[0] if reason else 'unknown error'}"
    if not found:
        shown = make_url(url).render_as_string(hide_password=True)
        return f"{shown} has no Liaison tables (run: liaison-bot db upgrade --url …)"
    return None


def _sqlite_problem(path: Path) -> str | None:
    shown = str(path.resolve())
    if not path.is_file():
        return f"no database at {shown}"
    try:
        # Read-only: opening must not create or change anything.
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (REQUIRED_TABLE,)).fetchone()
    except sqlite3.DatabaseError as error:
        return f"{shown} is not a database Liaison can read ({error})"
    if found is None:
        return f"{shown} is not a Liaison database (it has no {REQUIRED_TABLE} table)"
    return None
