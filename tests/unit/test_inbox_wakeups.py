"""A stored update is work for one inbox worker: a poke wakes one sleeping worker, not all of
them (each woken worker spends a transaction, and all but one would claim nothing)."""

from __future__ import annotations

import asyncio

from bot.pipeline.processor import InboxProcessor
from domain.clock import FakeClock


async def _settled() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_poke_wakes_one_sleeping_worker():
    processor = InboxProcessor(None, None, {}, FakeClock(), lambda _ctx: None)  # type: ignore[arg-type]
    rounds: list[int] = []

    async def nothing_to_do() -> bool:
        rounds.append(1)
        return False

    processor.step = nothing_to_do  # type: ignore[method-assign]
    stopping = asyncio.Event()
    workers = [asyncio.create_task(processor.run(stopping)) for _ in range(2)]
    await _settled()
    assert len(rounds) == 2  # each starts with a look, then sleeps
    processor.poke()
    await _settled()
    assert len(rounds) == 3
    processor.poke()
    processor.poke()
    await _settled()
    assert len(rounds) == 5, "two pokes at once wake both workers"
    stopping.set()
    await asyncio.gather(*workers)
