"""The digest's chart as a PNG, drawn headless with matplotlib's Agg canvas.

Every text is drawn with the CJK font shipped in the `mplfonts` package, named by file, so
Chinese labels never depend on the fonts of the machine. No pyplot: figures are plain objects,
safe to draw in a worker thread.
"""

from __future__ import annotations

import importlib.resources
import io
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager

from storage.queries.series import ChartData

FONT_FILE = "NotoSansCJKsc-Regular.otf"
REPORTED_COLOR = "#e07b39"
RESOLVED_COLOR = "#3a7d44"
P90_COLOR = "#555555"
LABEL_CHARS = 18
_register_lock = threading.Lock()


def font_path() -> Path:
    return Path(str(importlib.resources.files("mplfonts") / "fonts" / FONT_FILE))


@cache
def chart_font() -> FontProperties:
    with _register_lock:
        # Registered too, so anything that asks the font manager by name finds it.
        fontManager.addfont(str(font_path()))
    return FontProperties(fname=str(font_path()))


@dataclass(frozen=True)
class ChartLabels:
    title: str
    daily_title: str
    reported: str
    resolved: str
    category_title: str
    median: str
    p90: str
    no_resolved: str
    days: list[str]
    categories: list[str]  # in the order of ChartData.by_category


def build_figure(data: ChartData, labels: ChartLabels) -> Figure:
    font = chart_font()
    small = font.copy()
    small.set_size(8)
    figure = Figure(figsize=(11, 4.8), dpi=100)
    # Fixed places rather than an automatic layout, which costs more than the drawing; the
    # gap between the panels holds category names of up to LABEL_CHARS characters.
    daily = figure.add_axes((0.04, 0.13, 0.53, 0.74))
    slow = figure.add_axes((0.71, 0.13, 0.27, 0.74))
    figure.suptitle(labels.title, fontproperties=font, fontsize=13, y=0.975)

    positions = list(range(len(data.days)))
    width = 0.4
    daily.bar([p - width / 2 for p in positions], data.reported, width, label=labels.reported,
              color=REPORTED_COLOR)
    daily.bar([p + width / 2 for p in positions], data.resolved, width, label=labels.resolved,
              color=RESOLVED_COLOR)
    daily.set_xticks(positions, labels.days, rotation=45)
    daily.set_title(labels.daily_title, fontproperties=font)
    daily.legend(prop=font)
    daily.yaxis.get_major_locator().set_params(integer=True)

    hours = [(spread.median_s or 0) / 3600 for _, spread in data.by_category]
    p90 = [(spread.p90_s or 0) / 3600 for _, spread in data.by_category]
    slow.set_title(labels.category_title, fontproperties=font)
    if hours:
        rows = list(range(len(hours)))
        slow.barh(rows, hours, color=RESOLVED_COLOR, label=labels.median)
        slow.scatter(p90, rows, marker="|", s=200, color=P90_COLOR, label=labels.p90, zorder=3)
        slow.set_yticks(rows, [_shortened(name) for name in labels.categories])
        slow.invert_yaxis()
        slow.legend(prop=small, loc="lower right")
    else:
        slow.set_axis_off()
        slow.text(0.5, 0.5, labels.no_resolved, ha="center", va="center",
                  fontproperties=font, transform=slow.transAxes)
    for axes in (daily, slow):
        for tick in (*axes.get_xticklabels(), *axes.get_yticklabels()):
            tick.set_fontproperties(small)
    return figure


def _shortened(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def render_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def chart_png(data: ChartData, labels: ChartLabels) -> bytes:
    return render_png(build_figure(data, labels))
