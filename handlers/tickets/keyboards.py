"""Buttons on ticket cards, with typed callback data.

Callback data carries the ticket number, the action and the status the card showed when it was
drawn: a press on an old card (the status moved on) or on data for another ticket is refused.
Telegram limits callback data to 64 bytes; the short codes keep it far below.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.status import Status
from handlers.outbound import Button, Keyboard

# Short codes keep callback data small; they are part of the stored cards, so never reuse one.
_STATUS_CODES = {
    Status.NEW: "n", Status.ASSIGNED: "a", Status.ACKNOWLEDGED: "k", Status.IN_PROGRESS: "p",
    Status.RESOLVED: "r", Status.CLOSED: "c", Status.REOPENED: "o", Status.REJECTED: "x",
    Status.DUPLICATE: "d", Status.TRANSFERRED: "t",
}
_CODE_STATUS = {code: status for status, code in _STATUS_CODES.items()}


@dataclass(frozen=True)
class TicketPress:
    """A staff action button: `t:<number>:<action>:<status code>[:<argument>]`."""

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


def parse_ticket_press(data: str) -> TicketPress | None:
    parts = data.split(":", 4)
    if len(parts) < 4 or parts[0] != "t" or not parts[1].isdigit():
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


def button(text: str, press: TicketPress | CategoryPress) -> Button:
    return Button(text=text, data=press.encode())


def rows(*groups: list[Button]) -> Keyboard:
    return tuple(tuple(group) for group in groups if group)
