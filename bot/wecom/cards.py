"""Template cards (模板卡片) for the smart bot: the ticket announcement and its updates.

The schema (developer.work.weixin.qq.com/document/path/101032) has one field list per
card_type; `CARD_FIELDS` below is that table, and `validate` checks a card against it and the
documented limits. A card with buttons is a `button_interaction` card, and that kind has no
image field (only news_notice carries `card_image`, and news_notice has no buttons), so the
ticket's photo goes out as its own message right after the card; see docs/platforms/wecom.md.

Button presses come back as template_card_event with the card's `task_id` and the button's
`key`. The key carries the core's button data unchanged (the core checks forged and stale
presses itself); the task id names the card so that it can be replaced later.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

JSON = dict[str, Any]

# Fields each card type accepts (document/path/101032).
_COMMON = frozenset({"card_type", "source", "action_menu", "main_title", "task_id"})
CARD_FIELDS: dict[str, frozenset[str]] = {
    "text_notice": _COMMON | {"emphasis_content", "quote_area", "sub_title_text",
                              "horizontal_content_list", "jump_list", "card_action"},
    "news_notice": _COMMON | {"quote_area", "card_image", "image_text_area",
                              "vertical_content_list", "horizontal_content_list", "jump_list",
                              "card_action"},
    "button_interaction": _COMMON | {"quote_area", "sub_title_text", "horizontal_content_list",
                                     "card_action", "button_selection", "button_list"},
    "vote_interaction": _COMMON | {"checkbox", "submit_button"},
    "multiple_interaction": _COMMON | {"select_list", "submit_button"},
}
INTERACTIVE = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})

TASK_ID_MAX = 128
KEY_MAX = 1024
BUTTONS_MAX = 6
HORIZONTAL_MAX = 6
TITLE_MAX = 36
_TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")

# Button styles: 1 blue (primary), 2 grey, 3 red, 4 plain.
STYLE_PRIMARY = 1
STYLE_DEFAULT = 2
STYLE_DANGER = 3


class CardError(ValueError):
    """A card that WeCom would refuse."""


def new_task_id(name: str) -> str:
    """A card's task id: `name` (letters, digits, _-@) and a random tail, ≤ 128 bytes."""
    clean = re.sub(r"[^A-Za-z0-9_\-@]", "_", name)[: TASK_ID_MAX - 13] or "card"
    return f"{clean}-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class CardButton:
    text: str
    key: str
    style: int = STYLE_DEFAULT

    def to_json(self) -> JSON:
        if not self.key or len(self.key.encode()) > KEY_MAX:
            raise CardError(f"button key must be 1..{KEY_MAX} bytes")
        return {"text": self.text, "style": self.style, "key": self.key}


@dataclass(frozen=True)
class Announcement:
    """What a ticket announcement shows."""

    title: str
    category: str
    place: str
    deadline: str
    description: str = ""
    reporter_note: str = ""
    link: str | None = None
    source: str = ""
    labels: tuple[str, str, str] = ("类别", "地点", "期限")


def _trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def announcement_card(item: Announcement, buttons: list[CardButton], task_id: str) -> JSON:
    """A button_interaction card: title, category, place, deadline, buttons."""
    if not 1 <= len(buttons) <= BUTTONS_MAX:
        raise CardError(f"1..{BUTTONS_MAX} buttons")
    category_label, place_label, deadline_label = item.labels
    card: JSON = {
        "card_type": "button_interaction",
        "main_title": {"title": _trim(item.title, TITLE_MAX)},
        "horizontal_content_list": [
            {"keyname": category_label, "value": item.category},
            {"keyname": place_label, "value": item.place},
            {"keyname": deadline_label, "value": item.deadline},
        ],
        "task_id": task_id,
        "button_list": [b.to_json() for b in buttons],
    }
    if item.source:
        card["source"] = {"desc": item.source}
    if item.description:
        card["main_title"]["desc"] = _trim(item.description, 44)
    if item.reporter_note:
        card["sub_title_text"] = item.reporter_note
    if item.link:
        card["card_action"] = {"type": 1, "url": item.link}
    validate(card)
    return card


def status_card(previous: JSON, status_line: str, *, buttons: list[CardButton] | None = None
                ) -> JSON:
    """The announcement again, with a status line, under the same task id (updates keep it).

    With `buttons`, still a button card; without, a text_notice card (an answered card may be
    replaced by any card type, document/path/94945), so nobody presses a spent button.
    """
    kept = {"source", "main_title", "horizontal_content_list", "card_action", "task_id"}
    card = {key: value for key, value in previous.items() if key in kept}
    card["sub_title_text"] = status_line
    if buttons:
        card["card_type"] = "button_interaction"
        card["button_list"] = [b.to_json() for b in buttons]
    else:
        card["card_type"] = "text_notice"
        card.setdefault("card_action", {"type": 0})
    validate(card)
    return card


def text_notice(title: str, lines: list[tuple[str, str]], *, desc: str = "",
                link: str | None = None) -> JSON:
    """A plain notice card (no buttons): escalations, reminders."""
    card: JSON = {"card_type": "text_notice", "main_title": {"title": _trim(title, TITLE_MAX)},
                  "horizontal_content_list": [{"keyname": k, "value": v}
                                              for k, v in lines[:HORIZONTAL_MAX]],
                  "card_action": {"type": 1, "url": link} if link else {"type": 0}}
    if desc:
        card["main_title"]["desc"] = desc
    validate(card)
    return card


@dataclass(frozen=True)
class Press:
    """A template_card_event as the core needs it: which card, which button."""

    task_id: str
    data: str


def press_of(task_id: str, event_key: str) -> Press | None:
    """The press, or None when the event does not look like one of our cards."""
    if not _TASK_ID.match(task_id or "") or not event_key or len(event_key.encode()) > KEY_MAX:
        return None
    return Press(task_id, event_key)


def validate(card: JSON) -> None:
    """Raise CardError when `card` breaks the documented schema."""
    card_type = card.get("card_type")
    if card_type not in CARD_FIELDS:
        raise CardError(f"unknown card_type {card_type!r}")
    extra = set(card) - CARD_FIELDS[card_type]
    if extra:
        raise CardError(f"{card_type} has no field(s) {sorted(extra)}")
    title = card.get("main_title")
    needs_title = card_type != "text_notice" or "emphasis_content" not in card
    if needs_title and (not isinstance(title, dict) or not title.get("title")):
        raise CardError("main_title.title is required")
    task_id = card.get("task_id")
    needs_task = card_type in INTERACTIVE or "action_menu" in card
    if needs_task and (not isinstance(task_id, str) or not _TASK_ID.match(task_id)):
        raise CardError("task_id required: 1..128 of letters, digits and _-@")
    if card_type == "button_interaction":
        buttons = card.get("button_list")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= BUTTONS_MAX:
            raise CardError(f"button_list needs 1..{BUTTONS_MAX} buttons")
        for button in buttons:
            if not button.get("text") or not button.get("key"):
                raise CardError("every button needs text and key")
    horizontal = card.get("horizontal_content_list", [])
    if len(horizontal) > HORIZONTAL_MAX:
        raise CardError(f"at most {HORIZONTAL_MAX} horizontal_content_list items")
    for item in horizontal:
        if not item.get("keyname"):
            raise CardError("horizontal_content_list items need keyname")
    action = card.get("card_action")
    if card_type in ("text_notice", "news_notice") and not isinstance(action, dict):
        raise CardError(f"{card_type} requires card_action")
    if isinstance(action, dict) and action.get("type") == 1 and not action.get("url"):
        raise CardError("card_action type 1 needs url")
    image = card.get("card_image")
    if card_type == "news_notice" and image is not None and not image.get("url"):
        raise CardError("card_image.url is required")
