"""Neutral outgoing messages as WeCom shapes them: a message with buttons becomes a template
card (button_interaction), text becomes markdown, and people named in a notice are
@-mentioned by userid in the syntax each kind of message understands."""

from __future__ import annotations

import logging

from handlers.tickets.keyboards import parse_ticket_press
from messaging.outbound import Button, Keyboard

from . import cards
from .cards import CardButton

log = logging.getLogger(__name__)

SUBTITLE_MAX = 1200
# A card shows six buttons at most: these ticket actions first (受理, 转派, 查看).
FIRST_ACTIONS = ("acknowledge", "transfer", "view")


def trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def card_of(text: str, buttons: Keyboard, task_id: str) -> dict[str, object] | None:
    """A button card carrying `text` (first line the title, the rest beneath) and the
    buttons; None when no button has data (links alone go as markdown)."""
    pressable = sorted((b for row in buttons for b in row if b.data and not b.url),
                       key=_rank)
    links = [b for row in buttons for b in row if b.url]
    if not pressable:
        return None
    if len(pressable) > cards.BUTTONS_MAX:
        log.warning("wecom card shows only its first %d of %d buttons", cards.BUTTONS_MAX,
                    len(pressable))
    head, _, rest = text.strip().partition("\n")
    card: dict[str, object] = {
        "card_type": "button_interaction",
        "main_title": {"title": trim(head or "-", cards.TITLE_MAX)},
        "task_id": task_id,
        "button_list": [CardButton(b.text, key=b.data or "-").to_json()
                        for b in pressable[: cards.BUTTONS_MAX]],
    }
    if len(head) > cards.TITLE_MAX:
        rest = f"{head}\n{rest}".strip()
    lines = [rest.strip()] if rest.strip() else []
    lines += [f"{b.text}: {b.url}" for b in links[1:]]
    if lines:
        card["sub_title_text"] = trim("\n".join(lines), SUBTITLE_MAX)
    if links:
        card["card_action"] = {"type": 1, "url": links[0].url}
    cards.validate(card)
    return card


def _rank(button: Button) -> int:
    press = parse_ticket_press(button.data or "")
    if press is None or press.action not in FIRST_ACTIONS:
        return len(FIRST_ACTIONS)
    return FIRST_ACTIONS.index(press.action)


def card_text(card: dict[str, object]) -> str:
    """What a card says, as one text (the title, then the lines beneath)."""
    title = card.get("main_title")
    head = str(title.get("title", "")) if isinstance(title, dict) else ""
    rest = str(card.get("sub_title_text") or "")
    return "\n".join(part for part in (head, rest) if part)


def markdown_of(text: str, buttons: Keyboard = ()) -> str:
    """Text as markdown content; links of link buttons as markdown links beneath."""
    links = [f"[{b.text}]({b.url})" for row in buttons for b in row if b.url]
    return "\n".join([text, *links]) if links else text


def named_userids(text: str, people: dict[str, str]) -> list[str]:
    """The WeCom userids of configured people whose names the text mentions, in the order
    they appear; a longer name wins over one inside it (道路所王科长 over 王科长)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for name in sorted(people, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(a < end and start < b for a, b in taken):
                taken.append((start, end))
                found.append((start, people[name]))
                break
            start = text.find(name, end)
    return list(dict.fromkeys(userid for _, userid in sorted(found)))


def buttons_kept(card: dict[str, object]) -> list[CardButton]:
    """A sent card's buttons, to keep them on the card that replaces it."""
    found = card.get("button_list")
    if not isinstance(found, list):
        return []
    return [CardButton(str(b.get("text")), str(b.get("key")), int(b.get("style", 2)))
            for b in found if isinstance(b, dict) and b.get("key")]
