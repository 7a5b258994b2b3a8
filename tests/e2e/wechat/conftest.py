"""The bot serving a WeChat service account, on each database backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import WeChatHarness


@pytest.fixture
async def wechat(database_url, tmp_path, clock) -> AsyncIterator[WeChatHarness]:
    async with WeChatHarness(database_url, tmp_path, clock) as harness:
        yield harness
