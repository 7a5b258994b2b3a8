"""Keyword categorizer: guesses a report's category from its text.

Rules, chosen so that a more specific description wins and noise does not:

* Text and keywords are compared after NFKC normalisation (full-width "ＬＥＤ" is "led"),
  case folding and collapsing whitespace runs to one space.
* A keyword with any non-ASCII character (Chinese) matches as a plain substring, because
  Chinese is written without spaces. An ASCII keyword must stand as a whole word — letters
  or digits may not touch it on either side, so "tree" is not found in "street" — and may
  carry a plural ending: -s, -es, or -ies for a consonant + y.
* Within one category, overlapping hits on the same stretch of text are settled longest
  first: "路灯" and "灯" both in *lighting* count once on "路灯坏了", not twice. Each
  keyword counts once however often it is repeated, so repeating a word cannot outvote a
  description that names several symptoms.
* Categories judge the text independently. Score = (distinct keywords hit, total length of
  those keywords); the highest score wins and a tie goes to the first configured category.
  So on "垃圾桶满了", *bins* ("垃圾桶", 3) beats *rubbish* ("垃圾", 2) on length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class CategoryKeywords:
    """One category as configured: its id and its keywords in any language."""

    id: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CategoryScore:
    category_id: str
    matches: int
    matched_length: int


def normalize(text: str) -> str:
    """The form both keywords and text are compared in."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(frozen=True)
class _Keyword:
    text: str  # normalised
    probe: str  # every accepted form contains it: a cheap `in` check before any regex
    pattern: re.Pattern[str] | None  # None: plain substring search


def _consonant_y(word: str) -> bool:
    return len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou"


def _ascii_pattern(keyword: str) -> re.Pattern[str]:
    words = keyword.split(" ")
    escaped = [re.escape(word) for word in words]
    if _consonant_y(words[-1]):
        escaped[-1] = re.escape(words[-1][:-1]) + "(?:ys?|ies)"
    else:
        escaped[-1] += "(?:e?s)?"
    # ASCII-only boundaries so that a keyword right next to Chinese text still matches.
    return re.compile(r"(?<![0-9a-z])" + " ".join(escaped) + r"(?![0-9a-z])")


def _compile_keyword(raw: str) -> _Keyword:
    text = normalize(raw)
    if not text:
        raise ValueError(f"empty keyword {raw!r}")
    if not text.isascii():
        return _Keyword(text, text, None)
    probe = text[:-1] if _consonant_y(text.split(" ")[-1]) else text
    return _Keyword(text, probe, _ascii_pattern(text))


def _spans(keyword: _Keyword, text: str) -> list[tuple[int, int]]:
    if keyword.pattern is not None:
        return [m.span() for m in keyword.pattern.finditer(text)]
    spans = []
    start = text.find(keyword.text)
    while start != -1:
        spans.append((start, start + len(keyword.text)))
        start = text.find(keyword.text, start + 1)
    return spans


class Categorizer:
    """Compiled once from the configured categories; `categorize` is then cheap."""

    def __init__(self, categories: Iterable[CategoryKeywords]) -> None:
        self._categories: list[tuple[str, tuple[_Keyword, ...]]] = []
        seen_ids: set[str] = set()
        for category in categories:
            if category.id in seen_ids:
                raise ValueError(f"duplicate category id {category.id!r}")
            seen_ids.add(category.id)
            compiled = {}
            for raw in category.keywords:
                keyword = _compile_keyword(raw)
                compiled.setdefault(keyword.text, keyword)
            self._categories.append((category.id, tuple(compiled.values())))

    @property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(category_id for category_id, _ in self._categories)

    def scores(self, text: str) -> list[CategoryScore]:
        """Every category with at least one hit, in configured order."""
        normalized = normalize(text)
        result = []
        for category_id, keywords in self._categories:
            matched, length = _score(keywords, normalized)
            if matched:
                result.append(CategoryScore(category_id, matched, length))
        return result

    def categorize(self, text: str) -> str | None:
        """The best category for the text, or None when no keyword matches."""
        best: CategoryScore | None = None
        for score in self.scores(text):
            # Strictly greater: on a tie the earlier configured category stays.
            if best is None or (score.matches, score.matched_length) > (
                best.matches,
                best.matched_length,
            ):
                best = score
        return best.category_id if best else None


def _score(keywords: tuple[_Keyword, ...], text: str) -> tuple[int, int]:
    hits: list[tuple[int, int, int]] = []  # (start, end, keyword index)
    for index, keyword in enumerate(keywords):
        if keyword.probe in text:
            hits.extend((start, end, index) for start, end in _spans(keyword, text))
    if not hits:
        return 0, 0
    hits.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))  # longest first, then leftmost
    taken: list[tuple[int, int]] = []
    counted: set[int] = set()
    for start, end, index in hits:
        if all(end <= s or start >= e for s, e in taken):
            taken.append((start, end))
            counted.add(index)
    return len(counted), sum(len(keywords[i].text) for i in counted)
