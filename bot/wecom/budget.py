"""WeCom's per-conversation send limits, counted where the messages leave.

The outbox paces one outbox row at a time, but one row may become several WeCom messages (the
photo, the card, the line that @-mentions people). Before a row's first message goes, the
messenger takes room for all of them here; when there is not enough, the row waits
(`RetryLater`) with nothing sent, so a row is never half delivered by our own limit.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from messaging.port import RetryLater


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


class Budget:
    """At most `limit` messages in any `seconds`, for each of the windows, per conversation."""

    def __init__(self, windows: tuple[Window, ...],
                 now: Callable[[], float] = time.monotonic) -> None:
        self.windows = windows
        self._now = now
        self._sent: dict[str, deque[float]] = {}

    def take(self, chat: str, count: int) -> None:
        """Count `count` messages to `chat`, or raise RetryLater with none counted."""
        now = self._now()
        sent = self._sent.setdefault(chat, deque())
        longest = max(w.seconds for w in self.windows)
        while sent and sent[0] <= now - longest:
            sent.popleft()
        waits = []
        for window in self.windows:
            recent = [t for t in sent if t > now - window.seconds]
            surplus = len(recent) + count - window.limit
            if surplus > 0:
                # The oldest messages that must leave the window before these fit.
                waits.append(window.seconds if surplus > len(recent) else
                             recent[surplus - 1] + window.seconds - now)
        if waits:
            # A window that is full refuses, even when the wait works out at zero or less: a
            # message on the window's very edge is inside by the comparison above, and the
            # sum can round the other way.
            raise RetryLater(round(max(0.0, *waits) + 0.05, 2),
                             f"wecom budget of {chat} is spent")
        sent.extend([now] * count)
