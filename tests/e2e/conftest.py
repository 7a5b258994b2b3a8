"""The running bot for end-to-end tests, on each database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import Harness


@pytest.fixture
async def liaison(database_url, tmp_path, clock) -> AsyncIterator[Harness]:
    async with Harness(database_url, tmp_path, clock) as harness:
        yield harness
