"""The whole bot with its web console switched on, over HTTP, on each database backend."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator

import pytest

from tests.e2e.harness import Harness


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def web_section(**more: object) -> dict[str, object]:
    port = free_port()
    return {"listen": f"127.0.0.1:{port}", "base_url": f"http://127.0.0.1:{port}",
            "public": True, **more}


@pytest.fixture
async def liaison(database_url, tmp_path, clock) -> AsyncIterator[Harness]:
    async with Harness(database_url, tmp_path, clock, web=web_section()) as harness:
        yield harness


LINK = re.compile(r"(http://\S+/web/signin/[A-Za-z0-9_-]+)")


def link_in(text: str) -> str | None:
    found = LINK.search(text)
    return found.group(1) if found else None
