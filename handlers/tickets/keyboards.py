"""Buttons about tickets, with typed callback data.

Ticket buttons carry the ticket number, the action and the status the message showed when it
was drawn: a press on an old message (the status moved on) or with data for another ticket is
refused. Telegram limits callback data to 64 bytes; the short codes keep it far below.

Prefixes: `t` staff and reporter actions on a card, `c` picking a category (intake),
`v` the reporter's "has this been fixed?" answer and rating, `p` pages of ticket lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.status import Status
from messaging.outbound import Button, Keyboard

# Short codes keep callback data small; they are part of the stored cards, so never reuse one.
_STATUS_CODES = {
    Status.NEW: "n", Status.ASSIGNED: "a", Status.ACKNOWLEDGED: "k", Status.IN_PROGRESS: "p",
    Status.RESOLVED: "r", Status.CLOSED: "c", Status.REOPENED: "o", Status.REJECTED: "x",
    Status.DUPLICATE: "d", Status.TRANSFERRED: "t",
}
_CODE_STATUS = {code: status for status, code in _STATUS_CODES.items()}

# Actions a card button may carry besides the status-changing ones.
VIEW = "view"
CANCEL = "cancel"


@dataclass(frozen=True)
class TicketPress:
    """A card button: `t:<number>:<action>:<status code>[:<argument>]`."""

    number: int
    action: str
    status: Status
    argument: str = ""

    def encode(self) -> str:
        data = f"t:{self.number}:{self.action}:{_STATUS_CODES[self.status]}"
        return f"{data}:{self.argument}" if self.argument else data


@dataclass(frozen=True)
class CategoryPress:
    """Picking the category of an unmatched report: `c:<number>:<category id>`."""

    number: int
    category_id: str

    def encode(self) -> str:
        return f"c:{self.number}:{self.category_id}"


@dataclass(frozen=True)
class VerifyPress:
    """The reporter's answer: `v:<number>:<choice>:<round>`.

    The round counts the ticket's resolutions, so an answer to an earlier resolution (the ticket
    was reopened and resolved again since) is refused.
    """

    number: int
    choice: str
    round: int

    def encode(self) -> str:
        return f"v:{self.number}:{self.choice}:{self.round}"


@dataclass(frozen=True)
class PagePress:
    """Another page of a ticket list: `p:<list>:<page>`; the chat and the presser say whose."""

    listing: str
    page: int

    def encode(self) -> str:
        return f"p:{self.listing}:{self.page}"


def parse_ticket_press(data: str) -> TicketPress | None:
    parts = data.split(":", 4)
    if len(parts) < 4 or parts[0] != "t" or not parts[1].isdigit() or not parts[2]:
        return None
    status = _CODE_STATUS.get(parts[3])
    if status is None:
        return None
    return TicketPress(int(parts[1]), parts[2], status, parts[4] if len(parts) > 4 else "")


def parse_category_press(data: str) -> CategoryPress | None:
    parts = data.split(":", 2)
    if len(parts) != 3 or parts[0] != "c" or not parts[1].isdigit() or not parts[2]:
        return None
    return CategoryPress(int(parts[1]), parts[2])


def parse_verify_press(data: str) -> VerifyPress | None:
    parts = data.split(":")
    if (len(parts) != 4 or parts[0] != "v" or not parts[1].isdigit() or not parts[2]
            or not parts[3].isdigit()):
        return None
    return VerifyPress(int(parts[1]), parts[2], int(parts[3]))


def parse_page_press(data: str) -> PagePress | None:
    # The listing may name its owner by address ("mine-telegram:2001"), colon and all.
    head, _, page = data.rpartition(":")
    prefix, _, listing = head.partition(":")
    if prefix != "p" or not listing or not page.isdigit():
        return None
    return PagePress(listing, int(page))


def button(text: str, press: TicketPress | CategoryPress | VerifyPress | PagePress) -> Button:
    return Button(text=text, data=press.encode())


def rows(*groups: list[Button]) -> Keyboard:
    return tuple(tuple(group) for group in groups if group)


def in_rows(buttons: list[Button], width: int = 3) -> list[tuple[Button, ...]]:
    return [tuple(buttons[i:i + width]) for i in range(0, len(buttons), width)]
