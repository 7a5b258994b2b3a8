"""Staff commands typed as words: 「受理 42」, "ack 42", 「驳回 42 不属于本部门」.

Platforms without buttons (and some without /commands) leave typing; the words of the
catalogs (`typed.toml`) stand for the commands and run exactly the command's handler, with
its argument reading, its permission checks and its replies. A word counts only when a
ticket number follows it (or the message replies to the bot's message about a ticket), and
only from staff or from the ticket's own reporters, so a rider's report that happens to start
like a command (「备注 3 号楼门口积水」) stays a report.
"""

from __future__ import annotations

import re
from dataclasses import replace

from handlers import registry
from handlers.context import Context
from handlers.staff.parsing import replied_ticket, ticket_number
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
    number = _number(command.args) or await replied_ticket(ctx, message)
    if number is None or not await _meant_as_command(ctx, message, number):
        return False
    await spec.handler(replace(message, command=command), ctx)
    return True


def _number(args: str) -> int | None:
    if not _NUMBER_FIRST.match(args):
        return None
    return ticket_number(args.split(maxsplit=1)[0])


async def _meant_as_command(ctx: Context, message: Message, number: int) -> bool:
    """Staff, or someone who reported that ticket: anybody else's 「备注 3 号楼门口积水」 is a
    report that happens to start like a command, and intake gets it."""
    if ctx.directory.is_staff_anywhere(message.sender.id):
        return True
    ticket = await ctx.uow.tickets.get(number)
    if ticket is None:
        return False
    followers = await ctx.uow.tickets.followers(ticket)
    return any(f.user_id == message.sender.id for f in followers)
