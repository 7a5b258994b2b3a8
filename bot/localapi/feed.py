"""The change feed: every visible change in a chat, numbered, kept briefly, and awaitable.

It serves the sandbox page's event stream and lets tests wait for a condition instead of
sleeping: `wait_until` re-checks its condition whenever anything changes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .models import JSON

T = TypeVar("T")


@dataclass(frozen=True)
class ChangeEvent:
    seq: int
    type: str
    chat_id: int | None
    data: JSON

    def to_json(self) -> JSON:
        return {"seq": self.seq, "type": self.type, "chat_id": self.chat_id, **self.data}


class ChangeFeed:
    def __init__(self, backlog: int = 5000) -> None:
        self._events: deque[ChangeEvent] = deque(maxlen=backlog)
        self._seq = 0
        self._subscribers: set[asyncio.Queue[ChangeEvent]] = set()
        self._changed: asyncio.Future[None] | None = None

    @property
    def seq(self) -> int:
        return self._seq

    def publish(self, type_: str, chat_id: int | None, data: JSON) -> ChangeEvent:
        self._seq += 1
        event = ChangeEvent(self._seq, type_, chat_id, data)
        self._events.append(event)
        for queue in self._subscribers:
            queue.put_nowait(event)
        self.notify()
        return event

    def notify(self) -> None:
        """Wake everyone waiting on a condition, also for changes that are not events."""
        if self._changed is not None and not self._changed.done():
            self._changed.set_result(None)
        self._changed = None

    def since(self, seq: int, chat_id: int | None = None) -> list[ChangeEvent]:
        return [
            event
            for event in self._events
            if event.seq > seq and (chat_id is None or event.chat_id == chat_id)
        ]

    def subscribe(self) -> asyncio.Queue[ChangeEvent]:
        queue: asyncio.Queue[ChangeEvent] = asyncio.Queue()
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[ChangeEvent]) -> None:
        self._subscribers.discard(queue)

    async def wait_until(
        self,
        check: Callable[[], T | None],
        within: float,
        describe: Callable[[], str] | None = None,
    ) -> T:
        """Returns the first non-None result of `check`, re-evaluated after every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            result = check()
            if result is not None:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                detail = describe() if describe else ""
                raise TimeoutError(f"condition not met within {within} s. {detail}".strip())
            if self._changed is None:
                self._changed = loop.create_future()
            try:
                await asyncio.wait_for(asyncio.shield(self._changed), remaining)
            except TimeoutError:
                continue
