"""Numbers typed in addresses and forms: ASCII digits only (str.isdigit also accepts "１" and
"²"), and short enough to be a ticket number."""

from __future__ import annotations

MAX_DIGITS = 9


def as_number(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    text = text.strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
