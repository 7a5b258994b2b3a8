"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from domain.clock import FakeClock
from tests.databases import PG_URL, PostgresDatabases, SqliteTemplates, backends

# Property tests say what holds, not how fast (speed is measured in the benchmarks). With
# hypothesis's default deadline of 200 ms an example fails when it happens to be slow: the first
# one that imports a module, or any on a machine the parallel suite keeps busy.
hypothesis_settings.register_profile("liaison", deadline=None)
hypothesis_settings.load_profile("liaison")

TESTS = Path(__file__).resolve().parent
ARTIFACTS = TESTS.parent / "test-artifacts"


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
    """The costliest tests first, the cheapest last: the workers (`--dist worksteal`) start on
    the long ones, and the many short unit tests at the end fill the gaps, so no worker is
    left finishing a long test alone while the other has nothing to do. Within a kind the
    collection order stays (a module's tests stay together, sharing its fixtures)."""
    items.sort(key=cost_rank)


def cost_rank(item: pytest.Item) -> int:
    """A rough order of what a test costs, from what it is (measured: a crash test takes
    about a minute, a bot per test on PostgreSQL a few seconds, a unit test milliseconds)."""
    if item.get_closest_marker("slow") is not None:
        return 0
    if item.get_closest_marker("browser") is not None:
        return 1
    layer = Path(str(item.path)).relative_to(TESTS).parts[0]
    if layer in ("e2e", "contract"):
        params = getattr(getattr(item, "callspec", None), "params", {})
        return 2 if "postgresql" in str(params.get("backend", "")) else 3
    return 4 if layer == "integration" else 5
