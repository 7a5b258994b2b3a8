"""Items that arrive while a write runs are written together by the next write."""

from __future__ import annotations

import asyncio

import pytest

from bot.pipeline.batching import Batcher


async def test_items_arriving_during_a_write_share_the_next_one():
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> None:
        writes.append(items)
        if len(writes) == 1:
            await gate.wait()

    batcher: Batcher[int] = Batcher(write)
    first = asyncio.create_task(batcher.put(1))
    await asyncio.sleep(0)
    later = [asyncio.create_task(batcher.put(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    assert not first.done()
    gate.set()
    await asyncio.gather(first, *later)
    assert writes == [[1], [2, 3, 4]]


async def test_a_failed_write_fails_its_items_only():
    async def write(items: list[int]) -> None:
        if 1 in items:
            raise RuntimeError("database away")

    batcher: Batcher[int] = Batcher(write)
    with pytest.raises(RuntimeError):
        await batcher.put(1)
    await batcher.put(2)  # the next write goes ahead


async def test_a_cancelled_writer_leaves_no_one_waiting():
    started = asyncio.Event()

    async def write(items: list[int]) -> None:
        started.set()
        await asyncio.sleep(3600)

    batcher: Batcher[int] = Batcher(write)
    first = asyncio.create_task(batcher.put(1))
    await started.wait()
    second = asyncio.create_task(batcher.put(2))
    await asyncio.sleep(0)
    assert batcher._writer is not None
    batcher._writer.cancel()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
