"""The sandbox as a newcomer starts it (built-in sample, temporary SQLite), paced fast."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Sandbox
from bot.settings import SAMPLE_CONFIG, load_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(load_settings(SAMPLE_CONFIG), listen="127.0.0.1:0", fast=True) as running:
        yield running


def _no_browser(reason: str) -> None:
    # CI installs the browser and sets this, so a missing browser fails there instead of
    # quietly skipping the only test of the page.
    if os.environ.get("LIAISON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (LIAISON_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        _no_browser(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        _no_browser("Playwright for Python is not installed: pip install -e '.[test]'")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium),
                                                    args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()
