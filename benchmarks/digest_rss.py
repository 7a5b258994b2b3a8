"""Peak memory of one digest job in a process of its own.

`python -m benchmarks.digest_rss DB {baseline|job}` prints the process's peak resident set
in MB: "baseline" imports and opens everything the job needs and stops there, "job" also runs
the daily digests of every chat. The difference is what the digest itself costs.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
from pathlib import Path

from benchmarks.digest import _Digests
from storage.db import create_engine, session_factory
from storage.uow import UnitOfWorkFactory


async def main(path: Path, mode: str) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    with tempfile.TemporaryDirectory() as media:
        bench = _Digests(UnitOfWorkFactory(session_factory(engine)), Path(media))
        import handlers.digest.chart  # noqa: F401 - the job draws charts: count the library
        if mode == "job":
            await bench.in_context(bench.daily_job)
    await engine.dispose()
    print(f"{peak_rss_mb():.1f}")


def peak_rss_mb() -> float:
    """This process's own peak resident set. Linux keeps `ru_maxrss` across exec, so a child
    started by a large parent reports the parent's peak; the memory map's high-water mark
    (VmHWM) starts afresh with the new program."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
