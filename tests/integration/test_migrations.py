"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from bot.cli import main
from storage.db import sync_url
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base


def test_upgrade_from_empty_to_head_then_no_op(empty_database_url, capsys):
    assert current_revision(empty_database_url) is None
    assert main(["db", "upgrade", "--url", empty_database_url]) == 0
    assert "upgraded from empty" in capsys.readouterr().out
    assert current_revision(empty_database_url) == head_revision()
    assert main(["db", "upgrade", "--url", empty_database_url]) == 0
    assert "already at revision" in capsys.readouterr().out


def test_models_and_migrations_agree(empty_database_url):
    upgrade(empty_database_url)
    engine = create_engine(sync_url(empty_database_url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert differences == []
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
