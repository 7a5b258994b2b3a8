"""Dispatches one neutral inbound event to the feature that handles it."""

from __future__ import annotations

import logging

from handlers import registry
from handlers.context import Context
from messaging.inbound import ButtonPress, Event, Internal, Message
from messaging.outbound import AnswerButton

log = logging.getLogger(__name__)

# Feature modules register their commands, buttons and message handlers on import.
FEATURES = (
    "handlers.common",
    # Before intake: 「附近驿站」 and the location it asked for are not report pieces.
    "handlers.stations.handlers",
    # Before intake: 「网页」 typed in a chat asks for a sign-in link, it is not a report.
    "handlers.web.signin",
    # Before intake: words typed instead of buttons (「受理 42」「满意」) are not report pieces.
    "handlers.staff.typed",
    "handlers.workflow.answers",
    "handlers.intake.handlers",
    "handlers.intake.buttons",
    "handlers.intake.jobs",
    "handlers.intake.held_list",
    "handlers.staff.commands",
    "handlers.staff.buttons",
    "handlers.workflow.jobs",
    "handlers.digest.commands",
    "handlers.digest.jobs",
)


def load_features() -> None:
    import importlib

    for name in FEATURES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is None or not name.startswith(error.name):
                raise
            log.debug("feature not installed", extra={"feature": name})


class _Ignored(set[str]):
    """Chats we do not serve; logged once each, not once per message."""


_ignored_chats = _Ignored()


async def dispatch(event: Event, ctx: Context) -> None:
    if isinstance(event, Internal):
        handler = registry.INTERNAL.get(event.kind)
        if handler is None:
            log.error("internal event without a handler", extra={"kind": event.kind})
            return
        await handler(event, ctx)
        return
    chat = event.chat
    if not chat.is_private and not ctx.directory.serves(chat.id):
        if chat.id not in _ignored_chats:
            _ignored_chats.add(chat.id)
            log.warning("message from a chat we do not serve, ignored",
                        extra={"chat_id": chat.id, "title": chat.title})
        if isinstance(event, ButtonPress):
            ctx.send(AnswerButton(chat_id=event.chat.id, callback_id=event.callback_id))
        return
    await ctx.services.people.seen(event.sender, ctx, private=chat.is_private)
    if isinstance(event, ButtonPress):
        await _press(event, ctx)
    else:
        await _message(event, ctx)


async def _press(event: ButtonPress, ctx: Context) -> None:
    prefix = event.data.split(":", 1)[0]
    handler = registry.BUTTONS.get(prefix)
    if handler is None:
        log.warning("button with unknown data", extra={"data": event.data[:64]})
        ctx.send(AnswerButton(chat_id=event.chat.id, callback_id=event.callback_id,
                              text=ctx.texts_for(event.sender)("error.stale_button"),
                              alert=True))
        return
    await handler(event, ctx)


async def _message(message: Message, ctx: Context) -> None:
    if message.command is not None:
        spec = registry.COMMANDS.get(message.command.name)
        if spec is not None:
            await spec.handler(message, ctx)
            return
        if not message.chat.is_private and not message.command.addressed:
            return  # another bot's command in a shared group
        ctx.reply(message, ctx.texts("common.unknown_command", name=message.command.name))
        return
    for handler in registry.MESSAGE_HANDLERS:
        # A handler that returns False leaves the message to the next one.
        if await handler(message, ctx) is not False:
            return
