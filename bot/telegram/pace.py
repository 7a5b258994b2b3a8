"""Telegram's pace: about one message a second in a chat, twenty a minute in a group, thirty a
second overall (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.pipeline.pacing import Limits
from domain.identity import account, native_of


def is_group(chat_id: int | str) -> bool:
    """Telegram's groups and supergroups have negative chat ids; people have positive ones."""
    return native_of(account(chat_id)).startswith("-")


@dataclass(frozen=True)
class TelegramPace:
    limits: Limits = field(default_factory=Limits)

    def interval(self, chat_id: int | str) -> float:
        return self.limits.chat_interval(group=is_group(chat_id))

    @property
    def global_interval(self) -> float:
        return self.limits.global_interval
