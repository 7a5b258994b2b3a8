"""The dashboard: the digest's figures for any period, from the digest's own queries.

The three rates, median and P90 times, the per-department table, the oldest overdue tickets,
and charts of the same data the digest's chart draws. Staff see their departments; admins see
the district or any one department.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.web import charts
from bot.web.auth import staff
from bot.web.pages import deps_of, render, texts_of, viewer_of
from bot.web.viewer import Viewer
from domain.period import PeriodError, parse_period
from handlers.digest.render import Naming, percent
from handlers.directory import Directory
from handlers.texts import Texts
from handlers.tickets.formatting import duration
from storage.queries.figures import Figures, Ratio
from storage.queries.scope import EVERYTHING, Scope
from storage.queries.tallies import Tally

PERIODS = ("today", "yesterday", "week", "month")
MIN_CHART_DAYS = 7
MAX_CHART_DAYS = 62


@dataclass(frozen=True)
class DepartmentLine:
    name: str
    tally: Tally
    response: str


@staff
async def dashboard(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    texts = texts_of(request)
    viewer = viewer_of(request)
    assert viewer is not None
    tz, now = deps.settings.bot.tz, deps.clock.now()
    asked = request.query.get("period", "month").strip() or "month"
    first, last = request.query.get("from", ""), request.query.get("to", "")
    if first:
        asked = f"{first}..{last or first}"
    try:
        period = parse_period(asked, now, tz)
    except PeriodError:
        period, asked = parse_period("month", now, tz), "month"
    scope, department = _scope(viewer, request.query.get("department", ""), deps.directory)
    async with deps.uows(read_only=True) as uow:
        figures = await uow.queries.figures(scope, period, now)
        # A short period is charted with the days before it: one bar alone says little.
        days = min(max(period.days, MIN_CHART_DAYS), MAX_CHART_DAYS)
        data = await uow.queries.chart(scope, figures.as_of, tz, days=days)
    naming = Naming(deps.directory, texts, tz)
    return render(
        request, "dashboard.html", texts=texts, figures=figures, naming=naming,
        scope_name=naming.scope(scope), period_name=naming.period(period, figures.as_of),
        rates=_rates(figures, texts), lines=_departments(figures, naming),
        daily=charts.daily(data), chart_days=len(data.days),
        categories=charts.by_category(data, [naming.category(c) for c, _ in data.by_category]),
        periods=PERIODS, asked=asked, first=first, last=last, department=department,
        departments=_choosable(viewer, deps.directory, texts), seconds=_seconds(texts))


def _scope(viewer: Viewer, asked: str, directory: Directory) -> tuple[Scope, str]:
    mine = directory.departments if viewer.admin else viewer.departments
    if asked and asked in mine:
        return Scope(departments=(asked,)), asked
    if viewer.admin:
        return EVERYTHING, ""
    return Scope(departments=tuple(viewer.departments)), ""


def _choosable(viewer: Viewer, directory: Directory, texts: Texts) -> list[tuple[str, str]]:
    ids = list(directory.departments) if viewer.admin else list(viewer.departments)
    return [(d, directory.department_name(d, texts.lang)) for d in ids]


def _rates(figures: Figures, texts: Texts) -> list[tuple[str, str, Ratio]]:
    return [(texts("console.response_rate"), percent(figures.response_rate, texts),
             figures.response_rate),
            (texts("console.resolution_rate"), percent(figures.resolution_rate, texts),
             figures.resolution_rate),
            (texts("console.satisfaction_rate"), percent(figures.satisfaction_rate, texts),
             figures.satisfaction_rate)]


def _departments(figures: Figures, naming: Naming) -> list[DepartmentLine]:
    order = list(naming.directory.departments)
    found = sorted(((order.index(d) if d in order else len(order), d or "", tally)
                    for d, tally in figures.departments.items() if not tally.is_quiet),
                   key=lambda row: (row[0], row[1]))
    return [DepartmentLine(naming.department(d or None), tally,
                           percent(Ratio(tally.acked_on_time, tally.due_for_ack), naming.texts))
            for _, d, tally in found]


def _seconds(texts: Texts) -> Callable[[float | None], str]:
    def show(value: float | None) -> str:
        return texts("digest.none") if value is None else duration(timedelta(seconds=value),
                                                                     texts)

    return show
