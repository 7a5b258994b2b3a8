"""What the bot does once at start: learn who it is, publish its commands, check it can see."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault

from domain.identity import TELEGRAM, split
from handlers import registry
from handlers.directory import Directory
from handlers.texts import LANGUAGES, Texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    id: int
    username: str
    can_read_all_group_messages: bool


async def identify(bot: Bot) -> Identity:
    me = await bot.get_me()
    return Identity(me.id, me.username or "", bool(me.can_read_all_group_messages))


async def publish_commands(bot: Bot, default_language: str) -> None:
    """The command menu, in Chinese and English; users see the one of their app language."""
    for lang in LANGUAGES:
        texts = Texts(lang)
        commands = [
            BotCommand(command=spec.name, description=texts(spec.help_key)[:256])
            for spec in sorted(registry.COMMANDS.values(), key=lambda s: s.name)
            if spec.menu
        ]
        for scope in (BotCommandScopeDefault(), BotCommandScopeAllGroupChats()):
            await bot.set_my_commands(commands, scope=scope, language_code=lang)
            if lang == default_language:
                await bot.set_my_commands(commands, scope=scope)


async def groups_blind_to(bot: Bot, identity: Identity, directory: Directory) -> list[str]:
    """Groups in which the bot would miss plain photos and locations.

    With privacy mode on, a bot sees only commands and replies to it, unless it is an admin
    of the group; an admin sees everything.
    """
    if identity.can_read_all_group_messages:
        return []
    blind: list[str] = []
    for chat_id in directory.groups:
        platform, native = split(chat_id)
        if platform != TELEGRAM:
            continue
        try:
            member = await bot.get_chat_member(int(native), identity.id)
        except TelegramAPIError as error:
            log.warning("cannot check the bot's role in a group",
                        extra={"chat_id": chat_id, "error": str(error)[:200]})
            blind.append(chat_id)
            continue
        if member.status not in ("administrator", "creator"):
            blind.append(chat_id)
    return blind
