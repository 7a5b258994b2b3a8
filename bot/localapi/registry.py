"""The Bot API method table and what every handler gets to work with.

Handlers are looked up case-insensitively, as Telegram does. A handler that produces a message
must do its checks, `flood.admit` and the change without awaiting in between, so concurrent
requests cannot slip past the limits or see half-made state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import forbidden
from .limits import FloodGate
from .models import ChatRecord
from .params import Params
from .state import World

if TYPE_CHECKING:
    from .webhook import WebhookDispatcher


@dataclass
class Context:
    world: World
    flood: FloodGate
    webhook: WebhookDispatcher
    poll_generation: int = 0
    closing: bool = False

    def writable_chat(self, chat_id: int | str) -> ChatRecord:
        """The chat the bot wants to post in, refused as Telegram refuses it."""
        world = self.world
        unknown = isinstance(chat_id, int) and chat_id not in world.chats
        if unknown and chat_id in world.users:
            raise forbidden("bot can't initiate conversation with a user")
        chat = world.find_chat(chat_id)
        if chat.type == "private":
            if chat.blocked_bot:
                raise forbidden("bot was blocked by the user")
            return chat
        status = chat.members.get(world.bot.id, "left")
        kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
        if status == "kicked":
            raise forbidden(f"bot was kicked from the {kind}")
        if status == "left":
            raise forbidden(f"bot is not a member of the {kind}")
        return chat


@dataclass(frozen=True)
class Described:
    """A result that Telegram accompanies with a `description`, e.g. "Webhook was set"."""

    result: Any
    description: str


Handler = Callable[[Context, Params], Awaitable[Any]]
_HANDLERS: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _HANDLERS[name.lower()] = (name, handler)
        return handler

    return register


def lookup(name: str) -> tuple[str, Handler] | None:
    return _HANDLERS.get(name.lower())


def method_names() -> list[str]:
    return sorted(canonical for canonical, _ in _HANDLERS.values())
