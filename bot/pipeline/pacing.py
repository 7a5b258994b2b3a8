"""How fast the bot may write to a chat, so the platform never has to refuse it.

Each platform has its own table (its adapter's `pace`). Telegram, for one, allows about one
message a second in a chat, twenty a minute in a group and thirty a second overall. Spacing a
group's messages evenly (one every 60/20 s) keeps any sliding minute within budget; a backlog
meanwhile is merged into fewer messages rather than queued for minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.identity import address

# A little slack so that a send landing exactly on the boundary of the platform's window,
# measured on another machine's clock, is still inside it.
_SLACK = 1.03


class Pace(Protocol):
    """A platform's pacing table, as the sender asks it."""

    def interval(self, chat_id: str) -> float:
        """Minimum seconds between two messages to one chat."""
        ...

    @property
    def global_interval(self) -> float:
        """Minimum seconds between two messages to the platform as a whole."""
        ...


@dataclass(frozen=True)
class Limits:
    """Three numbers most platforms publish: a pace per chat, a budget per group a minute and
    one for the whole bot a second. Which chats are groups is the platform's to say."""

    per_chat_interval_s: float = 1.0
    group_per_minute: int = 20
    global_per_second: int = 30

    def chat_interval(self, *, group: bool) -> float:
        if group:
            return max(self.per_chat_interval_s, 60.0 / self.group_per_minute) * _SLACK
        return self.per_chat_interval_s * _SLACK

    @property
    def global_interval(self) -> float:
        return _SLACK / self.global_per_second


def global_lane(platform: str) -> str:
    """The key of the lane that paces everything sent to one platform, beside the chats' lanes:
    the address "<platform>:*", which no chat has."""
    return address(platform, "*")


def reserve(next_free_at: float, now: float, interval: float) -> tuple[float, float]:
    """Book the next slot of a lane: (when this send may go, when the lane is free again)."""
    slot = max(now, next_free_at)
    return slot, slot + interval


# A status line should not wait longer than this behind others in a busy group; when the queue
# is longer than the chat's pace allows, its lines are merged into one message.
MAX_LINE_DELAY_S = 10.0


def merge_threshold(interval: float) -> int:
    """How many queued lines make a backlog worth merging, at this chat's pace."""
    return max(2, int(MAX_LINE_DELAY_S / max(interval, 1e-6)) + 1)


# Lines merged into one message at most; keeps the message readable and under 4096 chars.
MAX_MERGED_LINES = 40
MAX_MESSAGE_CHARS = 4096


def merge_lines(header: str, lines: list[str]) -> tuple[str, int]:
    """The merged text and how many of `lines` fit into it."""
    text = header
    used = 0
    for line in lines[:MAX_MERGED_LINES]:
        candidate = f"{text}\n{line}"
        if len(candidate) > MAX_MESSAGE_CHARS:
            break
        text = candidate
        used += 1
    return text, used
