"""Message catalogs: every text a user sees, in Chinese (default) and English.

Catalogs are TOML files under `handlers/locales/<lang>/`, one per feature; nested tables give
dotted keys (`[error] not_permitted = "…"` is `error.not_permitted`). A test checks that both
languages have the same keys with the same placeholders.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

log = logging.getLogger(__name__)


@cache
def catalog(lang: str) -> Mapping[str, str]:
    entries: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        _flatten(tomllib.loads(path.read_text(encoding="utf-8")), "", entries)
    return entries


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{dotted}.", out)
        else:
            out[dotted] = str(value)


def placeholders(template: str) -> frozenset[str]:
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    )


def pick_language(preferred: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """The catalog for a user: their platform language when we have it, else the bot's."""
    if preferred:
        short = preferred.split("-")[0].lower()
        if short in LANGUAGES:
            return short
    return default


class Texts:
    """Renders catalog entries in one language."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **params: Any) -> str:
        template = catalog(self.lang).get(key)
        if template is None:
            template = catalog(DEFAULT_LANGUAGE).get(key)
            log.error("missing text", extra={"key": key, "lang": self.lang})
            if template is None:
                return key
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            log.exception("text could not be formatted", extra={"key": key})
            return template

    def has(self, key: str) -> bool:
        return key in catalog(self.lang)

    def other(self, lang: str) -> Texts:
        return Texts(lang)
