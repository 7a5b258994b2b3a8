"""Flood limits as Telegram enforces them, measured in real (monotonic) time.

Telegram answers 429 "Too Many Requests: retry after N" when a bot sends faster than about one
message per second to a chat, twenty per minute to a group, or thirty per second overall.
Real time is used on purpose, even when the server's clock is fake: what matters is whether
the bot really paces itself.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass

from .errors import too_many_requests
from .models import JSON


@dataclass(frozen=True)
class FloodLimits:
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0
    global_per_second: float = 30.0

    @classmethod
    def unlimited(cls) -> FloodLimits:
        return cls(math.inf, math.inf, math.inf)

    def to_json(self) -> JSON:
        return {key: (None if math.isinf(v) else v) for key, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: JSON) -> FloodLimits:
        values = {
            key: math.inf if data.get(key) is None else float(data[key])
            for key in ("per_chat_per_second", "per_group_per_minute", "global_per_second")
            if key in data
        }
        return cls(**values)


class _Window:
    """At most `capacity` events in any `seconds`-long sliding window."""

    def __init__(self, rate: float, per_seconds: float) -> None:
        self.unlimited = math.isinf(rate)
        if self.unlimited or rate <= 0:
            self.capacity, self.seconds = 1, per_seconds
        elif rate >= 1:
            self.capacity, self.seconds = int(rate), per_seconds
        else:
            self.capacity, self.seconds = 1, per_seconds / rate
        self.events: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        if self.unlimited:
            return 0.0
        while self.events and self.events[0] <= now - self.seconds:
            self.events.popleft()
        if len(self.events) < self.capacity:
            return 0.0
        return self.events[0] + self.seconds - now

    def record(self, now: float) -> None:
        if not self.unlimited:
            self.events.append(now)


class FloodGate:
    def __init__(self, limits: FloodLimits, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.violations_total = 0
        self.violations_by_chat: Counter[int] = Counter()
        self.sent_by_chat: Counter[int] = Counter()
        self.configure(limits)

    def configure(self, limits: FloodLimits) -> None:
        self.limits = limits
        self._global = _Window(limits.global_per_second, 1.0)
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}

    def admit(self, chat_id: int, is_group: bool) -> None:
        """Counts one message to `chat_id`, or raises 429 (and counts a violation) if too soon."""
        now = self._now()
        windows = [self._global, self._chat_window(chat_id)]
        if is_group:
            windows.append(self._group_window(chat_id))
        wait = max(window.wait_needed(now) for window in windows)
        if wait > 0:
            self.violations_total += 1
            self.violations_by_chat[chat_id] += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for window in windows:
            window.record(now)
        self.sent_by_chat[chat_id] += 1

    def reset_counters(self) -> None:
        self.violations_total = 0
        self.violations_by_chat.clear()
        self.sent_by_chat.clear()

    def stats(self) -> JSON:
        return {
            "limits": self.limits.to_json(),
            "violations_total": self.violations_total,
            "violations_by_chat": {str(k): v for k, v in self.violations_by_chat.items()},
            "sent_by_chat": {str(k): v for k, v in self.sent_by_chat.items()},
        }

    def _chat_window(self, chat_id: int) -> _Window:
        if chat_id not in self._chats:
            self._chats[chat_id] = _Window(self.limits.per_chat_per_second, 1.0)
        return self._chats[chat_id]

    def _group_window(self, chat_id: int) -> _Window:
        if chat_id not in self._groups:
            self._groups[chat_id] = _Window(self.limits.per_group_per_minute, 60.0)
        return self._groups[chat_id]
