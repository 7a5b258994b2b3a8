"""`liaison-bot export` where there is nothing to export: one line, exit 2, nothing created."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main

ARGS = ["export", "--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def fresh_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LIAISON_CONFIG", raising=False)
    monkeypatch.delenv("LIAISON_DATABASE__URL", raising=False)
    return tmp_path


def test_no_database_says_so_and_creates_nothing(fresh_checkout, capsys):
    code = main(ARGS)
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    [line] = err.strip().splitlines()
    assert "no database" in line and "liaison.db" in line and "--url" in line
    assert list(fresh_checkout.iterdir()) == []


def test_a_url_to_a_missing_file_says_so_and_creates_nothing(fresh_checkout, capsys):
    missing = fresh_checkout / "elsewhere" / "gone.db"
    code = main([*ARGS, "--url", f"sqlite+aiosqlite:///{missing}"])
    _, err = capsys.readouterr()
    assert code == 2
    [line] = err.strip().splitlines()
    assert str(missing) in line
    assert list(fresh_checkout.iterdir()) == []


def test_a_file_that_is_not_a_liaison_database(fresh_checkout, capsys):
    other = fresh_checkout / "notes.db"
    with sqlite3.connect(other) as connection:
        connection.execute("create table notes (text)")
    code = main([*ARGS, "--url", f"sqlite+aiosqlite:///{other}"])
    _, err = capsys.readouterr()
    assert code == 2
    [line] = err.strip().splitlines()
    assert "notes.db" in line and "Traceback" not in err
    assert sorted(p.name for p in fresh_checkout.iterdir()) == ["notes.db"]
