"""Reading staff commands: the ticket number (left out when replying to a message about the
ticket), the rest of the line, a department by id or name.

A problem becomes a `CommandUsage` error: a short reply saying what is wrong and the right
form of the command, in the sender's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import DomainError
from handlers.context import Context
from messaging.inbound import Message

_NUMBER = re.compile(r"^[#＃]?0*(\d{1,9})$")


class CommandUsage(DomainError):
    key = "error.usage"

    def __init__(self, problem: str, form: str) -> None:
        # Both already in the sender's language: the form is a catalog text of its own.
        super().__init__(problem=problem, form=form)


@dataclass(frozen=True)
class Addressed:
    """A command's ticket and the words after it."""

    number: int
    rest: str


def usage(ctx: Context, message: Message, problem: str, **params: object) -> CommandUsage:
    assert message.command is not None
    texts = ctx.texts_for(message.sender)
    return CommandUsage(texts(f"usage.{problem}", **params),
                        texts(f"form.{message.command.name}"))


def ticket_number(token: str) -> int | None:
    found = _NUMBER.match(token.strip())
    return int(found.group(1)) if found else None


async def replied_ticket(ctx: Context, message: Message) -> int | None:
    """The ticket of the bot message this one replies to, if any."""
    if message.reply_to is None:
        return None
    return await ctx.uow.refs.ticket_of_message(message.chat.id, message.reply_to.message_id)


async def addressed(ctx: Context, message: Message) -> Addressed:
    """`/cmd 42 rest`, or `/cmd rest` as a reply to a message about ticket 42.

    When replying, a leading number counts as the ticket only if written `#42` or equal to
    the replied ticket, so "/progress 3 workers on site" keeps its 3.
    """
    assert message.command is not None
    args = message.command.args.strip()
    head, _, tail = args.partition(" ")
    number = ticket_number(head) if head else None
    replied = await replied_ticket(ctx, message)
    if number is not None and (replied is None or head.lstrip().startswith(("#", "＃"))
                               or number == replied):
        return Addressed(number, tail.strip())
    if replied is not None:
        return Addressed(replied, args)
    raise usage(ctx, message, "missing_number")


def find_department(ctx: Context, name: str) -> str | None:
    """A department by its id or either of its names, ignoring case."""
    wanted = name.strip().casefold()
    for department in ctx.directory.departments.values():
        names = {department.id, department.name, department.name_en}
        if wanted in {n.casefold() for n in names if n}:
            return department.id
    return None


def department_list(ctx: Context, lang: str) -> str:
    return "、".join(
        f"{ctx.directory.department_name(d.id, lang)}（{d.id}）"
        for d in ctx.directory.departments.values()
    )
