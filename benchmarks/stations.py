"""Warm stations: the nearest three of 10,000 stations to a rider, as /stations asks.

The stations are spread over a 30 km × 30 km city around the sample district, with opening
hours and facilities like the configured ones; each lookup is `StationIndex.nearest` for a
random point, the same call the bot makes. The answer's text (three entries, times, links)
is timed too, since a rider waits for both.
"""

from __future__ import annotations

import os
import random
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.table import Row, latencies_ms
from domain.opening_hours import OpeningHours
from domain.stations import FACILITIES, Station, StationIndex
from handlers.stations.render import nearby_text
from handlers.texts import Texts

SIZE = 10_000
LOOKUPS = 5_000
WARM_UP = 100
CENTRE = (39.92, 116.46)
SPAN_DEG = 0.27  # about 30 km north to south
HOURS = ("24h", "07:00-22:00", "22:00-06:00", "08:00-20:00")
NOW = datetime(2026, 6, 1, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def city(size: int, rng: random.Random) -> StationIndex:
    stations = []
    for number in range(size):
        lat = CENTRE[0] + rng.uniform(-SPAN_DEG / 2, SPAN_DEG / 2)
        lon = CENTRE[1] + rng.uniform(-SPAN_DEG / 2, SPAN_DEG / 2) * 1.3
        stations.append(Station(
            name=f"驿站 {number}", lat=lat, lon=lon,
            hours=OpeningHours.parse(HOURS[number % len(HOURS)]),
            facilities=tuple(rng.sample(FACILITIES, 4)), address=f"街道 {number} 号"))
    return StationIndex(stations)


def measure(call: object, points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each call. On a busy machine the wall-clock tail is the
    scheduler's; the CPU time says what the lookup itself costs."""
    wall, cpu = [], []
    for index, (lat, lon) in enumerate(points):
        started, started_cpu = time.perf_counter(), time.thread_time()
        call(lat, lon)  # type: ignore[operator]
        if index >= WARM_UP:
            wall.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
    return wall, cpu


async def run(quick: bool) -> list[Row]:
    rng = random.Random(15)
    index = city(SIZE, rng)
    lookups = 1_000 if quick else LOOKUPS
    points = [(CENTRE[0] + rng.uniform(-0.15, 0.15), CENTRE[1] + rng.uniform(-0.2, 0.2))
              for _ in range(lookups + WARM_UP)]
    texts = Texts("zh")
    rows = []
    for name, call in (
        ("nearest three", lambda lat, lon: index.nearest(lat, lon, 3)),
        ("nearest three, as text", lambda lat, lon: nearby_text(index, lat, lon, NOW, texts)),
    ):
        samples, cpu = measure(call, points)
        p50, p99 = latencies_ms(samples)
        _, cpu_p99 = latencies_ms(cpu)
        target = "target p99 < 5 ms; " if name == "nearest three" else ""
        rows.append(Row(f"stations: {name} of {SIZE:,}", throughput=len(samples) / sum(samples),
                        unit="lookups/s", p50_ms=p50, p99_ms=p99,
                        notes=f"{target}CPU p99 {cpu_p99:.2f} ms; load {os.getloadavg()[0]:.1f} "
                              f"on {os.cpu_count()} cores"))
    return rows
