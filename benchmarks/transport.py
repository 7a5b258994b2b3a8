"""Transport benchmarks: a burst of 200 reports into one group under Telegram's limits."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.burst import run_burst
from benchmarks.table import Row, latencies_ms
from storage.migrate import upgrade


async def run(quick: bool) -> list[Row]:
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite+aiosqlite:///{Path(workdir) / 'burst.db'}"
        upgrade(url)
        reports = 60 if quick else 200
        result = await run_burst(url, Path(workdir), reports=reports,
                                 spread_s=10.0 if quick else 30.0)
    p50, p99 = latencies_ms(result.latencies)
    return [Row(
        name=f"burst: {result.reports} reports → one group (real limits)",
        throughput=result.reports / result.seconds_to_last if result.seconds_to_last else None,
        unit="reports/s",
        p50_ms=p50, p99_ms=p99,
        notes=(f"last reporter told after {result.seconds_to_last:.1f} s; "
               f"{result.group_messages} group messages carried {result.reports} numbers "
               f"({result.merged_lines} merged lines); 429s: {result.violations}; "
               f"unanswered: {len(result.unanswered)}"),
    )]
