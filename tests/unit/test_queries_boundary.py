"""Handlers render and storage queries: no handler builds SQL, storage imports no handler."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def first_part(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("path", modules("handlers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_handler_builds_sql(path):
    assert "sqlalchemy" not in {first_part(name) for name in imported(path)}


@pytest.mark.parametrize("path", modules("storage"), ids=lambda p: str(p.relative_to(ROOT)))
def test_storage_imports_no_handler_nor_the_app(path):
    assert not {first_part(name) for name in imported(path)} & {"handlers", "bot"}


def test_the_queries_return_values_of_storage_and_domain_only():
    for path in modules("storage/queries"):
        ours = {first_part(name) for name in imported(path)} & {
            "bot", "domain", "handlers", "messaging", "storage"}
        assert ours <= {"domain", "storage"}, path


def test_periods_are_pure():
    assert {first_part(name) for name in imported(ROOT / "domain" / "period.py")} <= {
        "__future__", "dataclasses", "datetime", "enum", "re"}
