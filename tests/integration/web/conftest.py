from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.web.console import Console, start_console, stop_console


@pytest.fixture
async def console(database_url, tmp_path, clock) -> AsyncIterator[Console]:
    running = await start_console(database_url, tmp_path, clock)
    try:
        yield running
    finally:
        await stop_console(running)
