"""Typed words that stand for commands and answers, read from the catalogs (`typed.toml`).

Where a platform has no buttons (or no /commands), people type what a button would have done:
「受理 42」, "ack 42", 「1 已解决」, 「满意」. The words of both languages are accepted whatever
the bot's language; the first word of an entry is the one shown.
"""

from __future__ import annotations

from functools import cache

from handlers.texts import LANGUAGES, Texts, catalog

SEPARATOR = " / "


def _words(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split(SEPARATOR) if word.strip())


def _entries(lang: str, section: str) -> dict[str, tuple[str, ...]]:
    prefix = f"{section}."
    return {key[len(prefix):]: _words(value) for key, value in catalog(lang).items()
            if key.startswith(prefix) and "." not in key[len(prefix):]}


@cache
def _index(section: str) -> tuple[tuple[str, str], ...]:
    """(word casefolded, name) for every word of every language, longest word first, so
    「基本满意」 is not read as 「满意」 and "2 not fixed" not as "2"."""
    found: dict[str, str] = {}
    for lang in LANGUAGES:
        for name, words in _entries(lang, section).items():
            for word in words:
                found.setdefault(normal(word), name)
                if section == "answers":
                    # 「1已解决」 as well as 「1 已解决」.
                    found.setdefault(normal(word).replace(" ", ""), name)
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def normal(text: str) -> str:
    """Case and runs of spaces (also full-width ones) do not matter."""
    return " ".join(text.replace("\u3000", " ").split()).casefold()


def command_words() -> tuple[tuple[str, str], ...]:
    """(word, command name), longest first: 「受理」 → "ack"."""
    return _index("verbs")


def answer_words() -> tuple[tuple[str, str], ...]:
    """(answer, choice code), longest first: 「1 已解决」 → "fixed", 「满意」 → "s"."""
    return _index("answers")


def shown_verb(texts: Texts, command: str) -> str | None:
    words = _entries(texts.lang, "verbs").get(command)
    return words[0] if words else None


def shown_answer(texts: Texts, choice: str) -> str | None:
    words = _entries(texts.lang, "answers").get(choice)
    return words[0] if words else None
