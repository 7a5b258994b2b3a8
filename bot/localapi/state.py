"""Everything the server remembers, in memory: people, chats, messages, files, updates.

Both sides change it: Bot API handlers act for the bot, the client API acts for people. Every
visible change is published on the feed so the page and waiting tests learn of it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.clock import Clock

from .errors import chat_not_found
from .feed import ChangeFeed
from .files import FileStore
from .models import JSON, BotAction, ChatRecord, Person, StoredMessage
from .privacy import bot_sees
from .updates import UpdateQueue
from .views import message_view


@dataclass
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str | None
    answered: bool = False
    answer: JSON | None = None


@dataclass
class World:
    bot: Person
    clock: Clock
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False
    users: dict[int, Person] = field(default_factory=dict)
    chats: dict[int, ChatRecord] = field(default_factory=dict)
    messages: dict[tuple[int, int], StoredMessage] = field(default_factory=dict)
    files: FileStore = field(default_factory=FileStore)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    feed: ChangeFeed = field(default_factory=ChangeFeed)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    bot_actions: list[BotAction] = field(default_factory=list)
    requests_by_method: Counter[str] = field(default_factory=Counter)
    _callback_ids: Any = field(default_factory=lambda: itertools.count(1))
    # Chats number their messages after these: a server started again for a bot whose
    # database remembers messages from an earlier server must not reuse their ids.
    message_id_floors: dict[int, int] = field(default_factory=dict)

    def first_message_id(self, chat_id: int) -> int:
        return self.message_id_floors.get(chat_id, 0) + 1

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    # -- chats -------------------------------------------------------------------------------

    def find_chat(self, chat_id: int | str) -> ChatRecord:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name:
                    return chat
            raise chat_not_found()
        chat = self.chats.get(chat_id)
        if chat is None:
            raise chat_not_found()
        return chat

    def private_chat(self, user: Person) -> ChatRecord:
        chat = self.chats.get(user.id)
        if chat is None:
            chat = ChatRecord(
                id=user.id,
                type="private",
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                next_message_id=self.first_message_id(user.id),
            )
            chat.members = {user.id: "member", self.bot.id: "member"}
            self.chats[user.id] = chat
            self.feed.publish("chat", chat.id, {"chat": chat.to_json()})
        return chat

    def find_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        message = self.messages.get((chat_id, message_id))
        return None if message is None or message.deleted else message

    def chat_messages(self, chat_id: int) -> list[StoredMessage]:
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [self.messages[(chat_id, mid)] for mid in chat.message_ids]

    # -- messages ----------------------------------------------------------------------------

    def add_message(
        self,
        chat: ChatRecord,
        sender: Person,
        content: JSON,
        reply_to: StoredMessage | None = None,
    ) -> StoredMessage:
        message_id = chat.take_message_id()
        payload: JSON = {
            "message_id": message_id,
            "from": sender.to_json(),
            "chat": chat.to_json(),
            "date": self.now(),
        }
        if reply_to is not None:
            payload["reply_to_message"] = reply_to.as_replied()
        payload.update(content)
        stored = StoredMessage(chat.id, message_id, sender.id, sender.is_bot, payload)
        self.messages[(chat.id, message_id)] = stored
        self._publish("message", stored)
        return stored

    def edit_message(self, message: StoredMessage, changes: JSON, *, mark_edited: bool) -> None:
        for key, value in changes.items():
            if value is None:
                message.payload.pop(key, None)
            else:
                message.payload[key] = value
        if mark_edited:
            message.payload["edit_date"] = self.now()
        self._publish("edited", message)

    def delete_message(self, message: StoredMessage) -> None:
        message.deleted = True
        self._publish("deleted", message)

    def _publish(self, kind: str, message: StoredMessage) -> None:
        event = self.feed.publish(kind, message.chat_id, {"message": message_view(message)})
        message.changed_seq = event.seq

    # -- what the bot is told ----------------------------------------------------------------

    def deliver_message(self, message: StoredMessage, *, edited: bool = False) -> JSON | None:
        chat = self.chats[message.chat_id]
        if not bot_sees(message.payload, chat, self.bot, self.can_read_all_group_messages):
            return None
        kind = "edited_message" if edited else "message"
        return self.updates.push(kind, message.snapshot())

    def record_bot_action(self, action: str, message: StoredMessage) -> BotAction:
        payload = message.payload
        document = payload.get("document") or {}
        record = BotAction(
            seq=self.feed.seq,
            action=action,
            chat_id=message.chat_id,
            message_id=message.message_id,
            date=self.now(),
            text=payload.get("text"),
            caption=payload.get("caption"),
            reply_markup=payload.get("reply_markup"),
            photo_file_id=message.photo_file_id,
            document_file_id=document.get("file_id"),
            reply_to_message_id=message.reply_to_message_id,
        )
        self.bot_actions.append(record)
        return record

    def new_callback(self, message: StoredMessage, user: Person, data: str | None) -> JSON:
        query_id = f"{self.bot.id}{next(self._callback_ids):010d}"
        self.callbacks[query_id] = CallbackRecord(
            query_id, message.chat_id, message.message_id, user.id, data
        )
        # chat_instance is stable per chat, as Telegram's is per chat and bot.
        query: JSON = {
            "id": query_id,
            "from": user.to_json(),
            "message": message.snapshot(),
            "chat_instance": str(abs(message.chat_id * 7919 + self.bot.id) % 10**19),
        }
        if data is not None:
            query["data"] = data
        self.feed.publish(
            "callback_query",
            message.chat_id,
            {"callback_query_id": query_id, "message_id": message.message_id,
             "user_id": user.id, "data": data},
        )  # fmt: skip
        self.updates.push("callback_query", query)
        return query
