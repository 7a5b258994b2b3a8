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
async def driver(platform, database_url, tmp_path, clock,
                 request: pytest.FixtureRequest) -> AsyncIterator[PlatformDriver]:
    # A platform may say which scenario it cannot always meet, and why (`limits` on its
    # driver): the scenario still runs, and its failure is reported as that known limit.
    reason = getattr(DRIVERS[platform], "limits", {}).get(request.node.originalname)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=False))
    # A bot of its own for each scenario: starting one takes well under a second, and a
    # scenario then owns its ticket numbers, its clock and its chats.
    started = DRIVERS[platform](database_url, tmp_path, clock)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()
