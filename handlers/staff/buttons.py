"""Buttons on ticket cards (`t:`) and on ticket lists (`p:`).

A press is checked in this order: its data must parse and name the ticket the pressed message
is about (else it is forged), the ticket must still be in the status the message showed (else
it is stale), and the presser must be allowed (the permission rules). Refusals answer with an
alert and are logged.
"""

from __future__ import annotations

from domain.errors import InvalidTransition
from domain.permissions import Operation
from domain.status import Action, target
from handlers import registry
from handlers.context import Context
from handlers.staff import choices, lists, view
from handlers.staff.actions import Request, perform
from handlers.tickets import access
from handlers.tickets.card import BUTTON_ACTIONS
from handlers.tickets.keyboards import (
    CANCEL,
    VIEW,
    TicketPress,
    parse_page_press,
    parse_ticket_press,
)
from messaging.inbound import ButtonPress
from messaging.outbound import AnswerButton, EditText, Target

BUTTON_OPERATIONS = frozenset(Operation(action.value) for action in BUTTON_ACTIONS)


@registry.button("t")
async def on_ticket_button(press: ButtonPress, ctx: Context) -> None:
    parsed = parse_ticket_press(press.data)
    if parsed is None:
        access.refuse_press(ctx, press, "unreadable")
        return
    if parsed.action == VIEW:
        # Lists offer every ticket they show; looking needs no particular message or status.
        await view.show(ctx, press, parsed.number,
                        reply_to=Target(press.chat.id, press.message_id))
        ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id))
        return
    if not await access.press_is_about(ctx, press, parsed.number):
        access.refuse_press(ctx, press, "other ticket")
        return
    ticket = await access.load(ctx, parsed.number)
    if ticket.status is not parsed.status:
        access.refuse_press(ctx, press, "old status")
        return
    texts = ctx.texts_for(press.sender)
    if parsed.action == CANCEL:
        ctx.send(EditText(target=Target(press.chat.id, press.message_id),
                          text=texts("choices.cancelled")))
        ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id))
        return
    operation = _operation(parsed.action)
    if operation is None:
        access.refuse_press(ctx, press, "unknown action")
        return
    await access.require(ctx, operation, press.sender, ticket)
    if target(Action(operation.value), ticket.status) is None:
        # Said before offering a choice that could not be used.
        raise InvalidTransition(operation.value, ticket.status.value, ticket.number)
    if operation in choices.NEEDS_CHOICE and not parsed.argument:
        await choices.offer(ctx, press, ticket, operation)
        ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id))
        return
    request = _request(ctx, press, parsed, operation)
    if request is None:
        access.refuse_press(ctx, press, "unknown choice")
        return
    outcome = await perform(ctx, request)
    if parsed.argument:
        # The choice message has served its purpose: it now says what was done.
        ctx.send(EditText(target=Target(press.chat.id, press.message_id), text=outcome.line))
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id,
                          text=outcome.line.splitlines()[0][:200]))


def _operation(action: str) -> Operation | None:
    try:
        operation = Operation(action)
    except ValueError:
        return None
    return operation if operation in BUTTON_OPERATIONS else None


def _request(ctx: Context, press: ButtonPress, parsed: TicketPress,
             operation: Operation) -> Request | None:
    base = Request(operation, parsed.number, press.sender)
    argument = parsed.argument
    if operation is Operation.TRANSFER:
        return Request(operation, parsed.number, press.sender, department_id=argument)
    if operation is Operation.MARK_DUPLICATE:
        if not argument.isdigit():
            return None
        return Request(operation, parsed.number, press.sender, original=int(argument))
    if operation in choices.REASONS:
        # Stored in the bot's language: the ticket's log is read by everyone.
        reason = choices.reason_text(ctx.texts, operation, argument)
        return None if reason is None else Request(operation, parsed.number, press.sender,
                                                   text=reason)
    return base


@registry.button("p")
async def on_page_button(press: ButtonPress, ctx: Context) -> None:
    parsed = parse_page_press(press.data)
    kind, owner = lists.page_owner(parsed.listing) if parsed else ("", None)
    if parsed is None or kind not in lists.KINDS:
        access.refuse_press(ctx, press, "unreadable")
        return
    if owner is not None and owner != press.sender.id:
        ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id, alert=True,
                              text=ctx.texts_for(press.sender)("lists.not_yours")))
        return
    await lists.turn_page(ctx, press, kind, parsed.page)
    ctx.send(AnswerButton(chat_id=press.chat.id, callback_id=press.callback_id))
