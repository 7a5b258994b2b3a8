"""The dashboard's charts as SVG shapes, from the digest's own chart data (the same SQL).

Pure geometry: the template draws what this computes, with no script. Horizontal positions are
percentages of the chart's width and vertical ones pixels, so the chart fills any screen while
its labels keep their size (a scaled viewBox would shrink them to nothing on a phone).
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.queries.series import ChartData

HEIGHT = 220
LEFT = 5.0  # percent, for the scale's numbers
RIGHT = 99.0
BOTTOM = 28
TOP = 10
ROW = 24
NAMES = 28.0  # percent, for the categories' names


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class DailyChart:
    height: int
    bars: list[Bar]
    days: list[Tick]
    scale: list[Tick]


@dataclass(frozen=True)
class CategoryChart:
    height: int
    rows: list[tuple[Tick, Bar, float]]  # name, median bar, x of the P90 mark


def daily(data: ChartData) -> DailyChart:
    """Reported and resolved per day, side by side."""
    top = _round_up(max([*data.reported, *data.resolved, 1]))
    inner_h = HEIGHT - BOTTOM - TOP
    slot = (RIGHT - LEFT) / max(len(data.days), 1)
    bar = slot * 0.38
    bars, days = [], []
    every = max(1, len(data.days) // 10)
    for index, (day, reported, resolved) in enumerate(
            zip(data.days, data.reported, data.resolved, strict=True)):
        x = LEFT + index * slot + slot * 0.12
        name = f"{day.month}/{day.day}"
        for offset, value, kind in ((0.0, reported, "reported"), (bar, resolved, "resolved")):
            height = inner_h * value / top
            bars.append(Bar(round(x + offset, 2), round(TOP + inner_h - height, 1),
                            round(bar, 2), round(height, 1), kind, f"{name} {value}"))
        if index % every == 0:
            days.append(Tick(round(x + bar, 2), HEIGHT - 10, name))
    scale = [Tick(LEFT - 0.5, round(TOP + inner_h - inner_h * value / top + 4, 1),
                  f"{value:g}") for value in _ticks(top)]
    return DailyChart(HEIGHT, bars, days, scale)


def by_category(data: ChartData, names: list[str]) -> CategoryChart:
    """Median time to resolve per category (hours), with the P90 marked."""
    hours = [((s.median_s or 0) / 3600, (s.p90_s or 0) / 3600) for _, s in data.by_category]
    top = _round_up(max([p90 for _, p90 in hours] + [1]))
    inner_w = RIGHT - NAMES - 1
    rows = []
    for index, (name, (median, p90)) in enumerate(zip(names, hours, strict=True)):
        y = TOP + index * ROW
        rows.append((Tick(NAMES - 1, y + ROW * 0.62, name),
                     Bar(NAMES, y + 3, round(inner_w * median / top, 2), ROW - 8, "median",
                         f"{name} {median:.1f} h"),
                     round(NAMES + inner_w * p90 / top, 2)))
    return CategoryChart(TOP * 2 + ROW * max(len(rows), 1), rows)


def _ticks(top: float) -> list[float]:
    """0, the middle when it is a whole number, and the top."""
    middle = top / 2
    return [0.0, middle, top] if middle == int(middle) else [0.0, top]


def _round_up(value: float) -> float:
    """A tidy top for the scale: 1, 2 or 5 times a power of ten."""
    magnitude = 1.0
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude
