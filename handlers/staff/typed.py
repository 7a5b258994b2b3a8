"""Staff commands typed as words: 「受理 42」, "ack 42", 「驳回 42 不属于本部门」.

Platforms without buttons (and some without /commands) leave typing; the words of the
catalogs (`typed.toml`) stand for the commands and run exactly the command's handler, with
its argument reading, its permission checks and its replies. A word counts only when a
ticket number follows it, or when the message replies to the bot's message about a ticket,
so a report that happens to start with 「重复」 stays a report.
"""

from __future__ import annotations

import re
from dataclasses import replace

from handlers import registry
from handlers.context import Context
from handlers.staff.parsing import replied_ticket
from handlers.verbs import command_words, normal
from messaging.inbound import Command, Message

_NUMBER_FIRST = re.compile(r"^[#＃]?\d{1,9}(\s|$)")


def typed_command(text: str) -> Command | None:
    """The command a text spells, with what follows the word as its arguments; None when the
    text does not start with a command word followed by a space, a number or nothing."""
    stripped = text.strip()
    folded = normal(stripped)
    for word, name in command_words():
        if not folded.startswith(word):
            continue
        rest = _after(stripped, word)
        if rest is None:
            continue
        return Command(name=name, args=rest, addressed=True)
    return None


def _after(text: str, word: str) -> str | None:
    """The text after its first len(word) letters (spaces counted as written), when the word
    ends there: 「受理42」 and 「受理 42」 both, 「受理人」 not."""
    words = word.split(" ")
    position = 0
    for part in words:
        while position < len(text) and text[position].isspace():
            position += 1
        if text[position:position + len(part)].casefold() != part:
            return None
        position += len(part)
    rest = text[position:]
    if rest and not (rest[0].isspace() or rest[0].isdigit() or rest[0] in "#＃"):
        return None
    return rest.strip()


@registry.messages
async def on_typed_command(message: Message, ctx: Context) -> bool:
    """True when the message was a typed command and was handled as the command."""
    if message.command is not None or not message.text or message.from_bot:
        return False
    command = typed_command(message.text)
    if command is None:
        return False
    spec = registry.COMMANDS.get(command.name)
    if spec is None:
        return False
    if not _NUMBER_FIRST.match(command.args) and await replied_ticket(ctx, message) is None:
        return False
    await spec.handler(replace(message, command=command), ctx)
    return True
