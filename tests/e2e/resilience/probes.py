"""Asking a running bot how it is: /readyz, /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App


def health_url(app: App, path: str) -> str:
    listen = app.settings.metrics.listen
    return f"http://127.0.0.1:{app.http.port_of(listen)}{path}"


async def readiness(app: App) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(health_url(app, "/readyz")) as answer:
        return answer.status, await answer.json()


async def family_names(app: App) -> set[str]:
    """The names of every metric family /metrics declares, with or without samples."""
    async with aiohttp.ClientSession() as http, http.get(health_url(app, "/metrics")) as answer:
        body = await answer.text()
    return {family.name for family in text_string_to_metric_families(body)}


async def scrape(app: App) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Every sample of /metrics, parsed by Prometheus' own parser: name → labels → value."""
    async with aiohttp.ClientSession() as http, http.get(health_url(app, "/metrics")) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        body = await answer.text()
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = \
                sample.value
    return samples


def value(samples: dict[str, dict[tuple[tuple[str, str], ...], float]], name: str,
          **labels: str) -> float:
    return samples[name][tuple(sorted(labels.items()))]


async def eventually(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait until `check()` is true (the bot's own state, which the local server's change
    feed does not announce)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not check():
        if loop.time() > deadline:
            raise TimeoutError(f"not true within {within} s")
        await asyncio.sleep(0.02)
