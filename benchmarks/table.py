"""One row per measurement, printed as a table; shared by every benchmark module."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    name: str
    throughput: float | None = None  # operations per second
    unit: str = "op/s"
    p50_ms: float | None = None
    p99_ms: float | None = None
    peak_mb: float | None = None
    # Against the baseline measured in the same run (ours ÷ baseline, as the column says).
    ratio: float | None = None
    ratio_of: str = ""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latencies_ms(samples_s: list[float]) -> tuple[float, float]:
    ms = [s * 1000 for s in samples_s]
    return statistics.median(ms), percentile(ms, 99)


async def timed(call: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


class PeakMemory:
    """Peak Python heap (tracemalloc) during the block, in MB."""

    def __enter__(self) -> PeakMemory:
        tracemalloc.start()
        self.peak_mb = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.peak_mb = peak / 1e6


def render(rows: list[Row]) -> str:
    headers = ["benchmark", "throughput", "p50 ms", "p99 ms", "peak MB", "ratio", "notes"]
    lines = []
    for row in rows:
        lines.append([
            row.name,
            "" if row.throughput is None else f"{row.throughput:,.1f} {row.unit}",
            "" if row.p50_ms is None else f"{row.p50_ms:.2f}",
            "" if row.p99_ms is None else f"{row.p99_ms:.2f}",
            "" if row.peak_mb is None else f"{row.peak_mb:.1f}",
            "" if row.ratio is None else f"{row.ratio:.2f}× {row.ratio_of}".strip(),
            row.notes,
        ])
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *lines, strict=False)]
    out = [" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("-+-".join("-" * w for w in widths))
    out.extend(" | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))
               for line in lines)
    return "\n".join(out)
