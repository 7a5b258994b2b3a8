"""The benchmarks keep their large databases in one documented cache folder, and --clean
empties it."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import cache
from benchmarks.__main__ import main


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LIAISON_BENCH_CACHE", str(tmp_path / "bench-cache"))
    return tmp_path / "bench-cache"


def test_databases_are_kept_in_the_cache_folder(cache_home):
    from benchmarks.digest import database_path
    from benchmarks.intake import tickets_database_path

    assert database_path(1000).parent == cache_home
    assert tickets_database_path(1000).parent == cache_home
    assert cache.folder() == cache_home


def test_the_default_folder_is_the_users_cache_not_tmp(monkeypatch, tmp_path):
    monkeypatch.delenv("LIAISON_BENCH_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "liaison" / "benchmarks"


def test_clean_removes_the_cache_and_runs_nothing(cache_home, capsys):
    cache_home.mkdir(parents=True)
    (cache_home / "liaison-bench-digest-1000000-v3.db").write_bytes(b"x" * 1000)
    assert main(["--clean"]) == 0
    assert not cache_home.exists()
    out, err = capsys.readouterr()
    assert str(cache_home) in out + err
    assert "running" not in err
