"""Keep reporters' personal details out of what the whole group sees.

Phone masking works in two steps. First it finds *chains*: digit groups joined by single
separators (space, "-", " - "), with an optional leading "+" and parenthesised area codes.
"." ":" "/" are never separators, so decimals, coordinates (39.9042, 116.4074), times
(12:00) and slashed dates stay apart. A chain's first group is unusable when it is glued
to a word, "#", "/", "@", "=" or to the digits of a decimal/time/date on its left (#0042,
id=…), and its last group likewise on its right. Then it walks each chain's groups left
to right, taking the longest run of groups that reads as a phone number:

* Chinese mobile, 1[3-9] + 9 digits, optionally after +86 / 0086: shown as 138****5678.
* Chinese landline, area code then 7-8 digits: 010-12345678, (0755)12345678, +86 10 …:
  the area code stays, the local number keeps its last 4 digits.
* International with "+" (8-15 digits): the country code and the last 4 digits stay.
* Any other number of 7-12 digits written in groups that ends in a 4-digit group
  (555-2671, 6123 4567): only the last 4 digits stay. Dates and year ranges are not phones,
  and unseparated digit strings other than mobiles are left alone: they are far more often
  order or tracking numbers.

A masked digit becomes "*". Groups holding "*" stay in chains but never in a phone number,
and up to four digits right after them are the visible tail of a masked number, so masking
twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SEP = r"(?:[ \u00a0]?-[ \u00a0]?|[ \u00a0])"
_PAREN = r"\([\d*]{1,5}\)"
_FIRST = r"(?:\(\+[\d*]{1,3}\)|\+?[\d*]+)"
# Atomic so that a digit run is never split into two groups. "+" only starts a chain.
_CHAIN = re.compile(rf"(?>(?:{_PAREN}|{_FIRST})(?:{_SEP}?(?:{_PAREN}|[\d*]+))*)")
_TOKEN = re.compile(r"\(\+?[\d*]+\)|\+?[\d*]+")
# Emphasis stars around a real number ("*13812345678*") are not masking: masking never
# leaves more than four digits in a row.
_EDGE_STARS = re.compile(r"(\**)(\d{5,})\**")
# "*" counts as a digit here: masking a neighbour must not unglue a chain.
_GLUE_LEFT = re.compile(r"(?:[\dA-Za-z_#/@=&\\]|[\d*][.:/])$")
_GLUE_RIGHT = re.compile(r"^(?:[\dA-Za-z_]|[.:/][\d*])")
_MOBILE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    digits: str  # ASCII digits, whatever script the text used
    paren: bool
    plus: bool
    masked: bool  # holds "*": already masked, never part of a phone number


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())


def _tokens(chain: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(chain):
        start, end, text = m.start(), m.end(), m.group()
        paren, plus = text.startswith("("), "+" in text
        masked = "*" in text
        edge = None if paren else _EDGE_STARS.fullmatch(text.lstrip("+"))
        if masked and edge and not plus:
            start, end, text, masked = start + edge.start(2), start + edge.end(2), edge[2], False
        tokens.append(_Token(start, end, _ascii_digits(text), paren, plus, masked))
    return tokens


def _is_date_like(tokens: list[_Token]) -> bool:
    lengths = [len(t.digits) for t in tokens]
    values = [int(t.digits) for t in tokens]
    if any(t.paren or t.plus for t in tokens):
        return False
    if lengths == [4, 4]:  # 2020-2026
        return all(1900 <= v <= 2100 for v in values)
    if len(lengths) != 3:
        return False
    if lengths[0] == 4 and lengths[1] <= 2 and lengths[2] <= 2:
        year, month, day = values
    elif lengths[2] == 4 and lengths[0] <= 2 and lengths[1] <= 2:
        # Day-month or month-day order: either reading makes it a date.
        day, month, year = values
        month, day = (month, day) if month <= 12 else (day, month)
    else:
        return False
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _star(text: str, keep_head: int, keep_tail: int) -> str:
    """Replace digits with "*" except the first keep_head and last keep_tail ones."""
    total = sum(ch.isdecimal() for ch in text)
    out, seen = [], 0
    for ch in text:
        if ch.isdecimal():
            seen += 1
            if keep_head < seen <= total - keep_tail:
                ch = "*"
        out.append(ch)
    return "".join(out)


def _mask_segment(chain: str, tokens: list[_Token]) -> str | None:
    """The masked text of tokens[0].start..tokens[-1].end, or None if it is no phone."""
    start = tokens[0].start
    text = chain[start : tokens[-1].end]
    digits = "".join(t.digits for t in tokens)
    if len(digits) < 7 or _is_date_like(tokens):
        return None
    plus = tokens[0].plus

    # Country code for China, written +86, (+86), 0086 or a separate 86.
    cc_len = 0
    if digits.startswith("86") and (plus or (tokens[0].digits == "86" and len(tokens) > 1)):
        cc_len = 2
    elif digits.startswith("0086") and not plus:
        cc_len = 4
    national = digits[cc_len:]

    if (cc_len or not plus) and _MOBILE.fullmatch(national):
        offset = _digit_offset(text, cc_len)
        return text[:offset] + national[:3] + "****" + national[-4:]

    area = _landline_area(tokens, cc_len)
    if area is not None:
        local_len = len(digits) - area
        if 7 <= local_len <= 8:
            offset = _digit_offset(text, area)
            return text[:offset] + _star(text[offset:], 0, 4)

    if plus:
        if not 8 <= len(digits) <= 15:
            return None
        head = len(tokens[0].digits) if len(tokens) > 1 and len(tokens[0].digits) <= 3 else 2
        return _star(text, head, 4)

    lengths = [len(t.digits) for t in tokens]
    if (
        len(tokens) >= 2
        and 2 <= lengths[0] <= 5
        and all(2 <= n <= 4 for n in lengths[1:-1])
        and lengths[-1] == 4
        and len(digits) <= 12
    ):
        return _star(text, 0, 4)
    return None


def _landline_area(tokens: list[_Token], cc_len: int) -> int | None:
    """Digits up to the end of the area-code group, if the number starts with one."""
    if cc_len:
        # The country code must be its own group, then the area code without its 0.
        if len(tokens) < 3 or len(tokens[0].digits) != cc_len:
            return None
        code = tokens[1].digits
        ok = 2 <= len(code) <= 3 and code[0] != "0"
        return cc_len + len(code) if ok else None
    code = tokens[0].digits
    if len(tokens) >= 2 and 3 <= len(code) <= 4 and code[0] == "0" and code[1] != "0":
        return len(code)
    return None


def _digit_offset(text: str, n_digits: int) -> int:
    """Index in text just before its (n_digits + 1)-th digit."""
    seen = 0
    for index, ch in enumerate(text):
        if ch.isdecimal():
            if seen == n_digits:
                return index
            seen += 1
    return len(text)


def _usable_from(tokens: list[_Token], i: int) -> bool:
    """Whether a phone number may start at token i.

    Not inside the visible tail of a number masked earlier ("**** 5678", "***(06)(78)"):
    starting a new number there would mask it a second time.
    """
    if tokens[i].masked:
        return False
    tail = len(tokens[i].digits)
    for previous in reversed(tokens[:i]):
        if previous.masked:
            return False
        tail += len(previous.digits)
        if tail > 4:
            return True
    return True


def _mask_chain(chain: str, glued_left: bool, glued_right: bool) -> str:
    tokens = _tokens(chain)
    last = len(tokens) - (1 if glued_right else 0)
    pieces: list[str] = []
    cursor = 0
    i = 1 if glued_left else 0
    while i < last:
        match = None
        if _usable_from(tokens, i):
            for j in range(last, i, -1):  # longest run of groups first
                if any(t.masked for t in tokens[i:j]):
                    continue
                masked = _mask_segment(chain, tokens[i:j])
                if masked is not None:
                    match = j, masked
                    break
        if match is None:
            i += 1
            continue
        j, masked = match
        pieces += [chain[cursor : tokens[i].start], masked]
        cursor, i = tokens[j - 1].end, j
    pieces.append(chain[cursor:])
    return "".join(pieces)


def _replace(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    glued_left = bool(_GLUE_LEFT.search(text[max(0, start - 2) : start]))
    glued_right = bool(_GLUE_RIGHT.match(text[end : end + 2]))
    return _mask_chain(match.group(), glued_left, glued_right)


def mask_phone_numbers(text: str) -> str:
    """Text with phone numbers partly replaced by "*" (see the module docstring)."""
    if sum(ch.isdecimal() for ch in text) < 7:
        return text
    return _CHAIN.sub(_replace, text)


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}
MAX_PUBLIC_NAME = 32


def public_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """How a reporter is named in front of the group: the first name only.

    The last name and the username are deliberately unused: together they identify a
    person well beyond the group. Control and formatting characters (bidi overrides,
    zero-width marks) are dropped so a name cannot rearrange the surrounding text, and a
    phone number used as a name is masked. Returns "" when nothing presentable is left;
    the caller picks the neutral wording ("a resident" / "一位居民") in its own language.
    """
    del last_name, username
    if not first_name:
        return ""
    visible = "".join(
        " " if ch.isspace() else ch
        for ch in first_name
        if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    name = " ".join(visible.split())
    if len(name) > MAX_PUBLIC_NAME:
        name = name[: MAX_PUBLIC_NAME - 1].rstrip() + "…"
    return mask_phone_numbers(name)
