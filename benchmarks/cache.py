"""Where the benchmarks keep the large databases they build once and reuse.

A full run builds SQLite files of a million tickets (about half a gigabyte together); rebuilding
them takes minutes, so they are kept between runs in one folder: `$LIAISON_BENCH_CACHE`, else
`$XDG_CACHE_HOME/liaison/benchmarks`, else `~/.cache/liaison/benchmarks`.
`python -m benchmarks --clean` removes it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Earlier versions kept their files in the temporary folder under these names.
LEGACY_PATTERNS = ("liaison-bench-digest-*", "liaison-intake-bench-*")


def folder() -> Path:
    explicit = os.environ.get("LIAISON_BENCH_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "liaison" / "benchmarks"


def path(name: str) -> Path:
    """A file in the cache folder (the folder is made when needed)."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    return where / name


def clean() -> tuple[Path, int]:
    """Remove the cache folder (and files left in the temporary folder by earlier versions);
    returns the folder and the bytes freed."""
    where = folder()
    freed = 0
    if where.exists():
        freed += sum(p.stat().st_size for p in where.rglob("*") if p.is_file())
        shutil.rmtree(where)
    temporary = Path(tempfile.gettempdir())
    for pattern in LEGACY_PATTERNS:
        for leftover in temporary.glob(pattern):
            if leftover.is_file():
                freed += leftover.stat().st_size
                leftover.unlink(missing_ok=True)
    return where, freed
