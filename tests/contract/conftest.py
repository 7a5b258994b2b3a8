"""Each contract scenario runs once per registered platform and per database backend (SQLite,
and PostgreSQL when LIAISON_TEST_DATABASE_URL is set, through the shared `database_url`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.contract.drivers import DRIVERS
from tests.contract.drivers.base import PlatformDriver


@pytest.fixture(params=sorted(DRIVERS))
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def driver(platform, database_url, tmp_path, clock) -> AsyncIterator[PlatformDriver]:
    # A bot of its own for each scenario: starting one takes well under a second, and a
    # scenario then owns its ticket numbers, its clock and its chats.
    started = DRIVERS[platform](database_url, tmp_path, clock)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()
