"""The adapter boundary: what a messaging platform's adapter implements, what the application
lends it, and the registry that finds the adapter serving a chat.

An adapter owns everything about its platform: how updates arrive (polling, webhook or
callback routes on the bot's HTTP listeners), how they decode into neutral events, how
messages go out (its `MessengerPort`), how fast (its `Pace`) and what the platform can do (its
`Capabilities`). The core never asks which platform a chat is on except through `Platforms`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from domain.clock import Clock
from domain.identity import BadAddress, account, is_address, native_of, platform_of
from messaging.capabilities import Capabilities
from messaging.inbound import Event
from messaging.outbound import (
    AnswerButton,
    DeleteMessage,
    EditCaption,
    EditText,
    SendDocument,
    SendPhoto,
    SendText,
)
from messaging.port import MessengerPort, PermanentFailure, TransientFailure

if TYPE_CHECKING:
    from bot.http_listener import HttpListeners
    from bot.pipeline.pacing import Pace
    from bot.pipeline.telemetry import Telemetry
    from bot.pipeline.trouble import Guard
    from handlers.directory import Directory
    from handlers.texts import Texts
    from storage.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

Loop = Callable[[asyncio.Event], Awaitable[None]]


@dataclass(frozen=True)
class AdapterHost:
    """What the application lends an adapter; an adapter reaches nothing else of the app."""

    uows: UnitOfWorkFactory
    # Business time (tickets, deadlines; fake in tests) and transport time (pacing, retries).
    clock: Clock
    timer: Clock
    # Add routes (webhooks, callbacks) in `start`; the app opens the listeners afterwards.
    http: HttpListeners
    # Call after updates were stored in the inbox, so that the processor looks at once.
    on_stored: Callable[[], None]
    # Run a background loop under the supervisor, restarted if it dies: spawn(name, loop).
    spawn: Callable[[str, Loop], None]
    # Where loops report failed and recovered rounds (the outage watch).
    guard: Guard
    telemetry: Telemetry
    texts: Texts
    directory: Directory


class Adapter(Protocol):
    """One messaging platform. Built from its settings section without any I/O; `start` and
    `connect` do the talking."""

    name: str
    capabilities: Capabilities
    messenger: MessengerPort
    pace: Pace
    # The longest one request to the platform may take (a send's claim outlives it).
    request_timeout_s: float

    @property
    def connected(self) -> bool:
        """The platform is reachable and delivers updates to us (readiness)."""
        ...

    async def start(self, host: AdapterHost) -> None:
        """Learn who the bot is, add HTTP routes, publish commands; before listeners open."""
        ...

    async def connect(self) -> None:
        """Begin receiving, once the HTTP listeners are open (register the webhook, start
        polling under `host.spawn`)."""
        ...

    async def stop(self) -> None:
        """Stop taking updates; what was stored is handled now or on the next run."""
        ...

    async def close(self) -> None:
        """Close the platform's connections, once the work in hand has finished."""
        ...

    def decode(self, update_id: int, payload: dict[str, Any]) -> Event | None:
        """A stored update as a neutral event (None: nothing for the handlers)."""
        ...

    async def waiting_outside(self) -> int:
        """Updates held outside the database (by a poller, or queued at the platform)."""
        ...


class NoAdapter(LookupError):
    """No adapter serves this platform in this deployment (its section is not configured)."""


def platform_of_chat(chat_id: int | str) -> str:
    """The platform a chat or person is on: an address names it, a bare integer is Telegram."""
    return platform_of(account(chat_id))


class Platforms:
    """The adapters of the configured platforms, by name."""

    def __init__(self, adapters: Iterable[Adapter] = ()) -> None:
        self._adapters: dict[str, Adapter] = {}
        for adapter in adapters:
            self.add(adapter)
        self.port: MessengerPort = RoutedMessenger(self)

    def add(self, adapter: Adapter) -> None:
        if adapter.name in self._adapters:
            raise ValueError(f"two adapters for {adapter.name!r}")
        self._adapters[adapter.name] = adapter

    def __getitem__(self, name: str) -> Adapter:
        try:
            return self._adapters[name]
        except KeyError:
            raise NoAdapter(name) from None

    def get(self, name: str) -> Adapter | None:
        return self._adapters.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._adapters

    def __iter__(self) -> Iterator[Adapter]:
        return iter(self._adapters.values())

    def __len__(self) -> int:
        return len(self._adapters)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._adapters)

    def of(self, chat_id: int | str) -> Adapter:
        """The adapter serving the platform of this chat (or person); NoAdapter if none."""
        try:
            platform = platform_of_chat(chat_id)
        except BadAddress as error:
            raise NoAdapter(str(error)) from None
        return self[platform]

    def capabilities_of(self, chat_id: int | str) -> Capabilities:
        return self.of(chat_id).capabilities

    def connected(self) -> dict[str, bool]:
        return {name: adapter.connected for name, adapter in self._adapters.items()}

    async def download(self, file_ref: str) -> bytes:
        """The bytes of a file a platform gave us. A reference may be an address
        ("wecom:MEDIA_ID"); a bare one is Telegram's file_id, as stored before other
        platforms existed (Telegram's file ids never contain a colon)."""
        if is_address(file_ref):
            return await self[platform_of(file_ref)].messenger.download(native_of(file_ref))
        return await self["telegram"].messenger.download(file_ref)


class RoutedMessenger:
    """A `MessengerPort` that hands each call to the messenger of its chat's platform; for
    parts that send without caring where (the outage notice, the file workers)."""

    def __init__(self, platforms: Platforms) -> None:
        self.platforms = platforms

    def _port(self, chat_id: int | str) -> MessengerPort:
        try:
            return self.platforms.of(chat_id).messenger
        except NoAdapter as error:
            raise PermanentFailure(f"no adapter for chat {chat_id!r}: {error}") from None

    async def send_text(self, message: SendText, reply_to_id: int | None) -> int:
        return await self._port(message.chat_id).send_text(message, reply_to_id)

    async def send_photo(self, message: SendPhoto, reply_to_id: int | None,
                         data: bytes | None) -> int:
        return await self._port(message.chat_id).send_photo(message, reply_to_id, data)

    async def send_document(self, message: SendDocument, reply_to_id: int | None,
                            data: bytes) -> int:
        return await self._port(message.chat_id).send_document(message, reply_to_id, data)

    async def edit_text(self, message: EditText, message_id: int) -> None:
        await self._port(message.target.chat_id).edit_text(message, message_id)

    async def edit_caption(self, message: EditCaption, message_id: int) -> None:
        await self._port(message.target.chat_id).edit_caption(message, message_id)

    async def delete_message(self, message: DeleteMessage, message_id: int) -> None:
        await self._port(message.target.chat_id).delete_message(message, message_id)

    async def answer_button(self, message: AnswerButton) -> None:
        await self._port(message.chat_id).answer_button(message)

    async def download(self, file_id: str) -> bytes:
        try:
            return await self.platforms.download(file_id)
        except NoAdapter as error:
            # Kept and tried again later: the platform may be configured again.
            raise TransientFailure(f"no adapter for file {file_id!r}: {error}") from None
