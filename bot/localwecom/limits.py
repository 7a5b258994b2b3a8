"""Sliding-window limits as WeCom enforces them, in real (monotonic) time by default.

Real time on purpose, like the local Bot API server: what matters is whether the bot really
paces itself. Tests that need to move past a window pass their own `now`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events in any `window_s` seconds, per key."""

    def __init__(self, limit: float, window_s: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._now = now
        self._events: dict[str, deque[float]] = {}

    def _trim(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        edge = self._now() - self.window_s
        while events and events[0] <= edge:
            events.popleft()
        return events

    def try_take(self, key: str) -> bool:
        """Count one event for `key`; False (and nothing counted) when over the limit."""
        events = self._trim(key)
        if len(events) >= self.limit:
            return False
        events.append(self._now())
        return True

    def retry_after(self, key: str) -> float:
        events = self._trim(key)
        if len(events) < self.limit or not events:
            return 0.0
        return max(0.0, events[0] + self.window_s - self._now())
