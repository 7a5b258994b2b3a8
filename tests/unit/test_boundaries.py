"""The layers' import rules, read from the source: platform code stays in its adapter,
handlers never reach into the running application, storage and domain never into handlers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (including under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def offenders(package: str, forbidden: tuple[str, ...], allowed_under: str = "") -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if allowed_under and relative.startswith(allowed_under):
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in forbidden:
                bad.append(f"{relative}: {module}")
    return bad


def test_aiogram_only_in_the_telegram_adapter():
    # The local Bot API server is a Telegram server, not the bot: it never imports aiogram
    # either, so only bot/telegram/ may.
    assert offenders("bot", ("aiogram",), allowed_under="bot/telegram/") == []
    for package in ("handlers", "storage", "domain", "messaging"):
        assert offenders(package, ("aiogram",)) == []


@pytest.mark.parametrize(("package", "forbidden"), [
    ("handlers", ("bot",)),
    ("storage", ("bot", "handlers")),
    ("domain", ("bot", "handlers", "storage", "messaging")),
    ("messaging", ("bot", "handlers", "storage")),
])
def test_layers_import_only_downwards(package, forbidden):
    assert offenders(package, forbidden) == []


def test_the_rule_catches_an_import_under_type_checking(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from bot.settings import Settings\n", encoding="utf-8")
    assert "bot.settings" in imported_modules(sample)
