"""The background workers' loop: work while there is work, then wait to be poked."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.pipeline.looping import keep_working

# Far longer than the guard below: a test that reaches it has waited for the periodic look.
NEVER = 3600.0


async def rounds_until_stopped(outcome: Callable[[int, asyncio.Event], bool | None]) -> int:
    """Runs the loop with a step that asks `outcome(round, wakeup)` what it found; None
    stops the loop. Returns how many rounds ran."""
    wakeup, stopping = asyncio.Event(), asyncio.Event()
    rounds = 0

    async def step() -> bool:
        nonlocal rounds
        rounds += 1
        found = outcome(rounds, wakeup)
        if found is None:
            stopping.set()
            return False
        return found

    await asyncio.wait_for(
        keep_working(step, wakeup, stopping, idle_seconds=NEVER, what="test"), timeout=10)
    return rounds


async def test_a_poke_that_arrives_during_a_round_is_not_lost():
    def outcome(round_: int, wakeup: asyncio.Event) -> bool | None:
        if round_ == 1:
            wakeup.set()  # new work was stored while this round was looking: it found none
            return False
        return None

    assert await rounds_until_stopped(outcome) == 2


async def test_work_found_means_another_round_at_once():
    assert await rounds_until_stopped(lambda round_, _: True if round_ < 3 else None) == 3
