"""Which function handles which command, button and message.

Feature modules register themselves with the decorators; `handlers.router` dispatches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handlers.context import Context
    from handlers.rules import Rules
    from messaging.inbound import ButtonPress, Internal, Message

MessageHandler = Callable[["Message", "Context"], Awaitable[bool | None]]
ButtonHandler = Callable[["ButtonPress", "Context"], Awaitable[None]]
InternalHandler = Callable[["Internal", "Context"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    name: str
    handler: MessageHandler
    # Catalog key of the one-line description shown in the command menu and /help.
    help_key: str
    staff_only: bool = False
    menu: bool = True


COMMANDS: dict[str, CommandSpec] = {}
BUTTONS: dict[str, ButtonHandler] = {}
MESSAGE_HANDLERS: list[MessageHandler] = []
INTERNAL: dict[str, InternalHandler] = {}


def command(name: str, *, help_key: str, staff_only: bool = False,
            menu: bool = True) -> Callable[[MessageHandler], MessageHandler]:
    def register(handler: MessageHandler) -> MessageHandler:
        if name in COMMANDS:
            raise ValueError(f"command /{name} registered twice")
        COMMANDS[name] = CommandSpec(name, handler, help_key, staff_only, menu)
        return handler

    return register


def button(prefix: str) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register the handler of button data starting with `prefix:`."""

    def register(handler: ButtonHandler) -> ButtonHandler:
        if prefix in BUTTONS:
            raise ValueError(f"button prefix {prefix!r} registered twice")
        BUTTONS[prefix] = handler
        return handler

    return register


def messages(handler: MessageHandler) -> MessageHandler:
    """Register a handler of plain messages. Handlers are tried in the order the features are
    loaded (`handlers.router.FEATURES`); one that returns False passes the message on."""
    MESSAGE_HANDLERS.append(handler)
    return handler


def internal(kind: str) -> Callable[[InternalHandler], InternalHandler]:
    """Register the handler of an internal event kind (see `messaging.inbound.Internal`)."""

    def register(handler: InternalHandler) -> InternalHandler:
        if kind in INTERNAL:
            raise ValueError(f"internal event {kind!r} registered twice")
        INTERNAL[kind] = handler
        return handler

    return register


# -- scheduled work ---------------------------------------------------------------------------

JobHandler = Callable[["Context"], Awaitable[bool]]


@dataclass(frozen=True)
class JobSpec:
    """Scheduled work. The handler runs in its own unit of work and returns True when it
    stopped at its batch size with more left to do (it is then run again at once).

    Every job must be safe to fire twice: several bot processes may run it at the same time.
    """

    name: str
    handler: JobHandler
    every_seconds: float | None = None
    # For calendar jobs: the rules → APScheduler cron fields (hour, minute, day_of_week…).
    cron: Callable[[Rules], dict[str, Any]] | None = None


JOBS: dict[str, JobSpec] = {}


def periodic(name: str, every_seconds: float) -> Callable[[JobHandler], JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        if name in JOBS:
            raise ValueError(f"job {name!r} registered twice")
        JOBS[name] = JobSpec(name, handler, every_seconds=every_seconds)
        return handler

    return register


def calendar(name: str, cron: Callable[[Rules], dict[str, Any]]) -> Callable[[JobHandler],
                                                                              JobHandler]:
    def register(handler: JobHandler) -> JobHandler:
        if name in JOBS:
            raise ValueError(f"job {name!r} registered twice")
        JOBS[name] = JobSpec(name, handler, cron=cron)
        return handler

    return register
