"""The bot with the road crew in a WeCom group, on each database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import WeComHarness


@pytest.fixture
async def crew(database_url, tmp_path, clock) -> AsyncIterator[WeComHarness]:
    async with WeComHarness(database_url, tmp_path, clock) as harness:
        yield harness
