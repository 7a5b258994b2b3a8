"""Answers offered as a click menu inside the chat (客服消息 `msgmenu`).

Where the core offers typed answers (「1 已解决」「2 没解决」「满意」…, the line the core writes
instead of buttons), WeChat can show them as a menu the follower taps: WeChat then sends the
tapped line's text back as the follower's message, which the core reads as the typed answer.
Only lines that are whole answers become a menu; a staff card's words need a number or a
reason typed after them, so they stay words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from domain.ticket import label
from handlers.texts import catalog
from handlers.workflow.answers import typed_answer

from .api import MenuItem

# WeChat shows a handful of lines; more would not fit one chat bubble.
MAX_ITEMS = 6
_TICKET = re.compile(r"#(\d{4,})")


@dataclass(frozen=True)
class ClickMenu:
    head: str
    items: tuple[MenuItem, ...]


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]:
    found = []
    for lang in ("zh", "en"):
        texts = catalog(lang)
        before, _, after = texts["fit.reply_with"].partition("{words}")
        opening, _, closing = texts["fit.word"].partition("{word}")
        line = re.compile("^" + re.escape(before) + "(.+)" + re.escape(after) + "$")
        word = re.compile(re.escape(opening) + "(.+?)" + re.escape(closing))
        found.append((line, word))
    return tuple(found)


def click_menu(text: str) -> ClickMenu | None:
    """The text as a click menu, when its last line offers answers and nothing else."""
    head, _, last = text.rpartition("\n")
    if not head:
        return None
    for line, word in _patterns():
        matched = line.match(last.strip())
        if matched is None:
            continue
        words = word.findall(matched.group(1))
        if not words or len(words) > MAX_ITEMS:
            return None
        if any(typed_answer(w) is None for w in words):
            return None
        return ClickMenu(head, tuple(MenuItem(f"a{i}", w + _about(head))
                                     for i, w in enumerate(words)))
    return None


def _about(head: str) -> str:
    """The ticket the question is about, for the tapped line: a follower with two tickets
    waiting for an answer must not rate the other one. A bare word answers the oldest."""
    numbers = {int(n) for n in _TICKET.findall(head)}
    return f" {label(numbers.pop())}" if len(numbers) == 1 else ""
