"""Sets the scene on the local Bot API server: the people, the chats, the bot as admin."""

from __future__ import annotations

from bot.localapi import LocalBotApi
from bot.sandbox.cast import Cast


def populate(server: LocalBotApi, cast: Cast, language: str) -> None:
    for persona in cast.personas:
        server.register_user(persona.id, persona.name, None, persona.username, language)
    for chat in cast.chats:
        if chat.id in server.world.chats:
            continue
        # As an admin the bot sees plain photos and locations even with privacy mode on.
        server.create_group(chat.id, chat.title, bot_status="administrator",
                            members={user_id: "member" for user_id in chat.members})


async def greet(server: LocalBotApi, cast: Cast) -> None:
    """Everybody has started the bot privately, so it may tell them how their reports go."""
    for persona in cast.personas:
        server.open_private_chat(persona.id)
        await server.post_text(persona.id, persona.id, "/start")
