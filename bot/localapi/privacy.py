"""Which group messages a bot in privacy mode gets to see.

Telegram's rule: a bot that may not read all group messages (privacy mode on, the default)
and is not an administrator of the group only receives commands (not addressed to another
bot), replies to its own messages, messages mentioning it by username, and service messages.
In private chats it receives everything.
"""

from __future__ import annotations

from .formatting import entity_texts
from .models import JSON, ChatRecord, Person


def bot_sees(message: JSON, chat: ChatRecord, bot: Person, can_read_all: bool) -> bool:
    status = chat.members.get(bot.id, "left")
    if status in ("left", "kicked"):
        return False
    if not chat.is_group or can_read_all or status in ("administrator", "creator"):
        return True
    if "new_chat_members" in message or "left_chat_member" in message:
        return True
    replied = message.get("reply_to_message")
    if replied and (replied.get("from") or {}).get("id") == bot.id:
        return True
    text = message.get("text") or message.get("caption") or ""
    entities = message.get("entities") or message.get("caption_entities") or []
    username = (bot.username or "").lower()
    for mention in entity_texts(text, entities, "mention"):
        if mention[1:].lower() == username:
            return True
    for command in entity_texts(text, entities, "bot_command"):
        if text.startswith(command):
            _, _, target = command.partition("@")
            return not target or target.lower() == username
    return False
