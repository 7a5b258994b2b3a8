"""Which configured category a report's words name."""

from __future__ import annotations

from domain.categorize import Categorizer, CategoryKeywords
from handlers.directory import Directory

OTHER = "other"

# One compiled categorizer per directory (the directory is built once per process).
_categorizers: dict[int, tuple[Directory, Categorizer]] = {}


def _categorizer(directory: Directory) -> Categorizer:
    cached = _categorizers.get(id(directory))
    if cached is None or cached[0] is not directory:
        compiled = Categorizer([CategoryKeywords(c.id, tuple(c.keywords))
                                for c in directory.categories.values()])
        cached = _categorizers[id(directory)] = (directory, compiled)
    return cached[1]


def matched_category(directory: Directory, text: str) -> str | None:
    """The category the text names most, or None when it names none."""
    if not text.strip():
        return None
    return _categorizer(directory).categorize(text)


def categorize(directory: Directory, text: str) -> str:
    return matched_category(directory, text) or OTHER
