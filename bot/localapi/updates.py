"""The bot's update queue with Telegram's confirmation and long-poll semantics.

Updates stay queued until the bot confirms them by asking with a higher `offset` (or, in
webhook mode, until the webhook answered 2xx), so a bot that crashes mid-batch sees the same
updates again. `allowed_updates` is a sticky setting applied when updates are created.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from .models import JSON

ALL_UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)  # fmt: skip
# Without an explicit list Telegram leaves out these three kinds.
DEFAULT_UPDATE_TYPES = frozenset(ALL_UPDATE_TYPES) - {
    "chat_member", "message_reaction", "message_reaction_count",
}  # fmt: skip


class UpdateQueue:
    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: list[JSON] = []
        self._next_id = first_update_id
        self._allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._allowed_explicit: list[str] | None = None
        self._waiters: set[asyncio.Future[None]] = set()
        self.delivered_total = 0

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def allowed_updates(self) -> list[str] | None:
        return list(self._allowed_explicit) if self._allowed_explicit is not None else None

    def set_allowed(self, kinds: Iterable[str] | None) -> None:
        if kinds is None:
            return
        chosen = [kind for kind in kinds if kind in ALL_UPDATE_TYPES]
        self._allowed_explicit = chosen
        self._allowed = frozenset(chosen) if chosen else DEFAULT_UPDATE_TYPES

    def push(self, kind: str, payload: JSON) -> JSON | None:
        if kind not in self._allowed:
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.interrupt()
        return update

    def confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            # A negative offset keeps only the last -offset updates and forgets the rest.
            self._pending = (
                self._pending[offset:] if -offset < len(self._pending) else self._pending
            )
            return
        self._pending = [update for update in self._pending if update["update_id"] >= offset]

    def peek(self, limit: int = 100) -> list[JSON]:
        return self._pending[: max(1, min(100, limit))]

    def after(self, update_id: int) -> list[JSON]:
        """The pending updates above `update_id`, oldest first (read from the newest end, as
        the caller asks for the few that arrived since it last looked)."""
        index = len(self._pending)
        while index > 0 and self._pending[index - 1]["update_id"] > update_id:
            index -= 1
        return self._pending[index:]

    def drop_all(self) -> None:
        self._pending.clear()

    def mark_delivered(self, update: JSON) -> None:
        """Confirms one update (a webhook answered it) without touching later ones."""
        if update in self._pending:
            self._pending.remove(update)
            self.delivered_total += 1

    async def wait(self, within: float) -> None:
        """Returns when an update arrives, `interrupt()` is called, or `within` seconds pass."""
        if within <= 0:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.add(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), within)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(future)

    def interrupt(self) -> None:
        for future in self._waiters:
            if not future.done():
                future.set_result(None)
