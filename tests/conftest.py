"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.clock import FakeClock
from tests.databases import PG_URL, PostgresDatabases, SqliteTemplates, backends

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("sqlite-templates"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    if not PG_URL:
        yield None
        return
    databases = PostgresDatabases(PG_URL)
    yield databases
    databases.drop_all()


@pytest.fixture(params=backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, sqlite_templates: SqliteTemplates,
                 postgres: PostgresDatabases | None) -> Iterator[str]:
    """A migrated, empty database of the test's backend."""
    if backend == "sqlite":
        yield sqlite_templates.migrated(tmp_path / "liaison.db")
        return
    assert postgres is not None
    url = postgres.migrated()
    yield url
    postgres.drop_soon(url)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path,
                       postgres: PostgresDatabases | None) -> Iterator[str]:
    """A database with no schema at all (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    assert postgres is not None
    url = postgres.empty()
    yield url
    postgres.drop_soon(url)


@pytest.fixture
def clock() -> FakeClock:
    # 12:00 in Beijing on a Monday: the hour of the story the bot is built from.
    return FakeClock(datetime(2026, 6, 1, 4, 0, tzinfo=UTC))


@pytest.fixture
async def uows(database_url: str) -> AsyncIterator[object]:
    from storage.db import create_engine, session_factory
    from storage.uow import UnitOfWorkFactory

    engine = create_engine(database_url)
    yield UnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long-running tests first, so that parallel workers share them out at the start
    instead of one worker finishing them alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
