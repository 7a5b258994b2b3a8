"""The background workers' loop: work while there is work, then wait to be poked."""

from __future__ import annotations

import asyncio

from bot.pipeline.looping import keep_working

# Far longer than the guard below: a test that reaches it has waited for the periodic look.
NEVER = 3600.0


async def test_a_poke_that_arrives_during_a_round_is_not_lost():
    wakeup, stopping = asyncio.Event(), asyncio.Event()
    rounds = 0

    async def step() -> bool:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            wakeup.set()  # new work was stored while this round was looking: it found none
        else:
            stopping.set()
        return False

    await asyncio.wait_for(
        keep_working(step, wakeup, stopping, idle_seconds=NEVER, what="test"), timeout=10)
    assert rounds == 2


async def test_work_found_means_another_round_at_once():
    wakeup, stopping = asyncio.Event(), asyncio.Event()
    rounds = 0

    async def step() -> bool:
        nonlocal rounds
        rounds += 1
        if rounds == 3:
            stopping.set()
        return True

    await asyncio.wait_for(
        keep_working(step, wakeup, stopping, idle_seconds=NEVER, what="test"), timeout=10)
    assert rounds == 3

