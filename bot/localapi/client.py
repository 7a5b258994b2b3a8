"""The client side in Python: set the scene, act as people, see what the bot did, wait.

Mixed into `LocalBotApi`, so a test writes `await server.post_text(chat_id, user_id, "hi")`
then `await server.wait_for_bot_message(chat_id, lambda m: "#0001" in (m.text or ""))`.
The people's actions live in `client_people.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from . import people
from .client_people import PeopleActions
from .faults import FaultInjector, FaultPlan
from .limits import FloodGate, FloodLimits
from .models import JSON, BotAction, ChatRecord, Person, StoredMessage
from .state import World
from .webhook import WebhookDispatcher

T = TypeVar("T")
MessagePredicate = Callable[[StoredMessage], bool]


class ClientApi(PeopleActions):
    world: World
    flood: FloodGate
    faults: FaultInjector
    webhook: WebhookDispatcher

    # -- setting the scene -------------------------------------------------------------------

    def register_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Person:
        user = Person(user_id, first_name, last_name, username, language_code)
        self.world.users[user_id] = user
        return user

    def create_group(
        self,
        chat_id: int,
        title: str,
        *,
        supergroup: bool = True,
        bot_status: str = "member",
        username: str | None = None,
        members: dict[int, str] | None = None,
    ) -> ChatRecord:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = ChatRecord(
            chat_id, "supergroup" if supergroup else "group", title=title, username=username,
            next_message_id=self.world.first_message_id(chat_id),
        )
        chat.members[self.world.bot.id] = people.checked_status(bot_status)
        for user_id, status in (members or {}).items():
            chat.members[user_id] = people.checked_status(status)
        self.world.chats[chat_id] = chat
        self.world.feed.publish("chat", chat_id, {"chat": chat.to_json()})
        return chat

    def open_private_chat(self, user_id: int) -> ChatRecord:
        """The user has started the bot, so the bot may write to them."""
        return self.world.private_chat(people.person(self.world, user_id))

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        people.set_status(self.world, chat_id, user_id, status)

    def set_bot_status(self, chat_id: int, status: str) -> None:
        self.set_member_status(chat_id, self.world.bot.id, status)

    def set_privacy(self, *, can_read_all_group_messages: bool) -> None:
        self.world.can_read_all_group_messages = can_read_all_group_messages

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        self.open_private_chat(user_id).blocked_bot = blocked

    def set_limits(self, limits: FloodLimits) -> None:
        self.flood.configure(limits)

    def set_faults(self, plan: FaultPlan) -> None:
        self.faults.configure(plan)

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- reading what happened ---------------------------------------------------------------

    def chat_messages(self, chat_id: int, *, include_deleted: bool = True) -> list[StoredMessage]:
        return [
            message
            for message in self.world.chat_messages(chat_id)
            if include_deleted or not message.deleted
        ]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [
            m for m in self.chat_messages(chat_id, include_deleted=include_deleted) if m.from_bot
        ]

    def bot_history(self, chat_id: int | None = None) -> list[BotAction]:
        actions = self.world.bot_actions
        return [a for a in actions if chat_id is None or a.chat_id == chat_id]

    def callback_answers(self, chat_id: int | None = None) -> list[JSON]:
        return [
            dict(query.answer)
            for query in self.world.callbacks.values()
            if query.answer is not None and (chat_id is None or query.chat_id == chat_id)
        ]

    def callback_answer(self, callback_query_id: str) -> JSON | None:
        query = self.world.callbacks.get(callback_query_id)
        return dict(query.answer) if query and query.answer else None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        scope = scope or {"type": "default"}
        key = ":".join(str(scope.get(part, "")) for part in ("type", "chat_id", "user_id"))
        return [dict(c) for c in self.world.commands.get((key, language_code), [])]

    def all_commands(self) -> dict[str, list[JSON]]:
        """Every stored command list, keyed "<scope type>:<chat_id>:<user_id>|<language>"."""
        return {
            f"{scope}|{lang}": list(cmds) for (scope, lang), cmds in self.world.commands.items()
        }

    def reply_keyboard(self, chat_id: int) -> JSON | None:
        return self.world.find_chat(chat_id).reply_keyboard

    def webhook_info(self) -> JSON:
        return self.webhook.info()

    @property
    def pending_update_count(self) -> int:
        return self.world.updates.pending_count

    @property
    def flood_violations(self) -> int:
        return self.flood.violations_total

    @property
    def flood_violations_by_chat(self) -> dict[int, int]:
        return dict(self.flood.violations_by_chat)

    @property
    def requests_by_method(self) -> Counter[str]:
        return Counter(self.world.requests_by_method)

    def stats(self) -> JSON:
        return {
            "requests_by_method": dict(self.world.requests_by_method),
            "flood": self.flood.stats(),
            "faults_injected": dict(self.faults.injected),
            "pending_update_count": self.world.updates.pending_count,
            "webhook_attempts": self.webhook.attempts,
            "webhook_failures": self.webhook.failures,
        }

    # -- waiting -----------------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the change feed; pass it as `after=` to wait only for newer changes."""
        return self.world.feed.seq

    async def wait_until(self, check: Callable[[], T | None], within: float = 5.0,
                         describe: Callable[[], str] | None = None) -> T:
        """The first non-None result of `check`, re-checked after every change; on time-out
        the error says what `describe` tells of the state then."""
        return await self.world.feed.wait_until(check, within, describe)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: MessagePredicate | None = None,
        *,
        within: float = 5.0,
        after: int = 0,
    ) -> StoredMessage:
        """The first bot message in the chat, sent or edited after `after`, that matches."""

        def check() -> StoredMessage | None:
            for message in self.bot_messages(chat_id):
                if message.changed_seq > after and (predicate is None or predicate(message)):
                    return message
            return None

        def describe() -> str:
            texts = [m.text or m.caption or m.kind for m in self.bot_messages(chat_id)]
            return f"Bot messages in chat {chat_id}: {texts!r}"

        return await self.world.feed.wait_until(check, within, describe)

    async def wait_for_callback_answer(self, callback_query_id: str, within: float = 5.0) -> JSON:
        return await self.wait_until(lambda: self.callback_answer(callback_query_id), within)

    async def wait_for_no_pending_updates(self, within: float = 5.0) -> None:
        await self.wait_until(lambda: True if self.pending_update_count == 0 else None, within)
