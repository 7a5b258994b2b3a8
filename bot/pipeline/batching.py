"""Items that arrive while a write is under way are written together by the next one.

Each caller waits until its own item is written (or the write failed, which it then hears
as the write's exception). An item is never held back: the first one starts a write at once,
and whatever comes while that write runs goes into the one after. Under load, one transaction
records many items; alone, an item is written as soon as it would have been on its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(self, write: Callable[[list[T]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def put(self, item: T) -> None:
        """Return once `item` is written; raise what the write that carried it raised."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((item, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write([item for item, _ in batch])
            except asyncio.CancelledError:
                # Stopped (or killed) mid-write: every waiter hears it, none is left waiting
                # for a writer that is gone.
                for _, done in batch + self._waiting:
                    done.cancel()
                self._waiting = []
                raise
            except Exception as error:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
