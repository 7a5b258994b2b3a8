"""The one place where errors become replies.

Domain errors become short, helpful replies in the user's language; anything unexpected becomes
an apology to the user (never a traceback) and a report to the admins' chat.
"""

from __future__ import annotations

from typing import Any

from domain.errors import DomainError
from domain.ticket import label
from handlers.context import Context
from handlers.texts import Texts
from messaging.inbound import ButtonPress, Event, Internal
from messaging.outbound import AnswerButton, SendText, Target


def domain_error_text(error: DomainError, texts: Texts) -> str:
    params: dict[str, Any] = dict(error.params)
    if params.get("number") is not None:
        params["ticket"] = label(int(params["number"]))
    if "status" in params:
        params["status"] = texts(f"status.{params['status']}")
    if "action" in params:
        key = f"action.{params['action']}"
        params["action"] = texts(key) if texts.has(key) else params["action"]
    return texts(error.key, **params)


def reply_domain_error(event: Event, error: DomainError, ctx: Context) -> None:
    if isinstance(event, Internal):
        return
    texts = ctx.texts_for(event.sender)
    text = domain_error_text(error, texts)
    if isinstance(event, ButtonPress):
        ctx.send(AnswerButton(chat_id=event.chat.id, callback_id=event.callback_id,
                              text=text[:200], alert=True))
        return
    ctx.send(SendText(chat_id=event.chat.id, text=text,
                      reply_to=Target(event.chat.id, event.message_id)))


def reply_unexpected(event: Event | None, ctx: Context, update_id: int,
                     error: BaseException) -> None:
    notify_admins_of_failure(ctx, update_id, error)
    if event is None or isinstance(event, Internal):
        return
    texts = ctx.texts_for(event.sender)
    if isinstance(event, ButtonPress):
        ctx.send(AnswerButton(chat_id=event.chat.id, callback_id=event.callback_id,
                              text=texts("error.unexpected"), alert=True))
    else:
        ctx.send(SendText(chat_id=event.chat.id, text=texts("error.unexpected"),
                          reply_to=Target(event.chat.id, event.message_id)))


def notify_admins_of_failure(ctx: Context, update_id: int | None,
                             error: BaseException) -> None:
    chat_id = ctx.directory.admin_chat_id
    if chat_id is None:
        return
    ctx.send(SendText(chat_id=chat_id, text=ctx.texts(
        "error.admin_report", update_id=update_id if update_id is not None else "-",
        error=f"{type(error).__name__}: {error}"[:500])))
