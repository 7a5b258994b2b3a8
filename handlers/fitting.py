"""Fitting an outgoing message to what the chat's platform can do.

Handlers write every message as if the platform could do everything Telegram can; `fitted`
is applied once, by `Context.send`, with the capabilities of the message's chat:
- no buttons: the buttons' actions become a line saying which words to reply
  (「回复：「受理 42」「认领 42」」), links become "label: url" lines;
- no edits: an edit of a message named by a `ref` (a card, an announcement, a question) is
  dropped, since every change is also posted as a status line; an edit of a message known
  by its id (a choice answered) is sent as a new message;
- no photos: the photo's fallback text (or caption) is sent as text;
- no reply threads: messages are sent without the reply;
- no location messages: no share-location button.
Mentions need no fitting: the core names people in plain text everywhere.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from handlers.texts import Texts
from handlers.tickets.keyboards import (
    parse_category_press,
    parse_ticket_press,
    parse_verify_press,
)
from handlers.verbs import shown_answer, shown_verb
from messaging.capabilities import Capabilities
from messaging.outbound import (
    Button,
    EditCaption,
    EditText,
    Keyboard,
    Outgoing,
    SendDocument,
    SendPhoto,
    SendText,
)

log = logging.getLogger(__name__)

# Card actions (`handlers.tickets.keyboards`) and the commands that do the same.
ACTION_COMMANDS = {
    "acknowledge": "ack", "take": "take", "progress": "progress", "resolve": "resolve",
    "reject": "reject", "reopen": "reopen", "mark_duplicate": "dup", "transfer": "transfer",
    "view": "ticket",
}


def fitted(message: Outgoing, caps: Capabilities, texts: Texts) -> tuple[Outgoing, ...]:
    """What to send instead of `message` on a platform with `caps`: itself, something
    plainer, or nothing."""
    if isinstance(message, EditText | EditCaption) and not caps.edit_messages:
        if message.target.message_id is None:
            return ()
        text = message.text if isinstance(message, EditText) else message.caption
        message = SendText(chat_id=message.target.chat_id, text=text, buttons=message.buttons)
    if isinstance(message, SendPhoto) and not caps.send_photos:
        text = message.fallback_text or message.caption
        if not text:
            log.info("photo without text dropped: the platform cannot send photos",
                     extra={"chat_id": message.chat_id})
            return ()
        message = SendText(chat_id=message.chat_id, text=text, buttons=message.buttons,
                           reply_to=message.reply_to, ref=message.ref, ticket=message.ticket,
                           merge_line=message.merge_line)
    if (isinstance(message, SendText | SendPhoto | SendDocument) and message.reply_to
            and not caps.reply_threads):
        message = replace(message, reply_to=None)
    if isinstance(message, SendText) and message.request_location and not caps.receive_locations:
        message = replace(message, request_location=None)
    if (isinstance(message, SendText | SendPhoto | EditText | EditCaption) and message.buttons
            and not caps.buttons):
        message = _without_buttons(message, texts)
    return (message,)


def _without_buttons(message: SendText | SendPhoto | EditText | EditCaption,
                     texts: Texts) -> SendText | SendPhoto | EditText | EditCaption:
    lines = button_lines(message.buttons, texts)
    if isinstance(message, SendText | EditText):
        text = "\n".join([message.text, *lines])
        return replace(message, text=text, buttons=())
    caption = "\n".join([message.caption, *lines])
    if isinstance(message, SendPhoto):
        fallback = ("\n".join([message.fallback_text, *lines]) if message.fallback_text
                    else None)
        return replace(message, caption=caption, fallback_text=fallback, buttons=())
    return replace(message, caption=caption, buttons=())


def button_lines(buttons: Keyboard, texts: Texts) -> list[str]:
    """The words to reply instead of pressing, on one line, then one line per link."""
    words: list[str] = []
    links: list[str] = []
    for row in buttons:
        for button in row:
            if button.url:
                links.append(texts("fit.link", label=button.text, url=button.url))
                continue
            word = typed_form(button, texts)
            if word is None:
                # A press with no typed form (a page of a list): left out rather than shown
                # as something that would not work.
                continue
            if word not in words:
                words.append(word)
    lines = []
    if words:
        lines.append(texts("fit.reply_with",
                           words="".join(texts("fit.word", word=w) for w in words)))
    return lines + links


def typed_form(button: Button, texts: Texts) -> str | None:
    """What to type to do what the button does, or None."""
    data = button.data or ""
    ticket = parse_ticket_press(data)
    if ticket is not None:
        command = ACTION_COMMANDS.get(ticket.action)
        verb = shown_verb(texts, command) if command else None
        if verb is None:
            return None
        if ticket.argument:
            return f"{verb} {ticket.number} {ticket.argument}"
        form = f"fit.form.{command}"
        if texts.has(form):
            return texts(form, verb=verb, n=ticket.number)
        return f"{verb} {ticket.number}"
    answer = parse_verify_press(data)
    if answer is not None:
        return shown_answer(texts, answer.choice)
    pick = parse_category_press(data)
    if pick is not None:
        # The button shows the category's name, which the command reads back.
        verb = shown_verb(texts, "category")
        return f"{verb} {pick.number} {button.text}" if verb else None
    return None
