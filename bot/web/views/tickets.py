"""The ticket list: filtered, searched (number, address, text), sorted and paged, and exported
to CSV or XLSX through the same export as `liaison-bot export` and /export."""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from aiohttp import web

from bot.web.auth import staff
from bot.web.facts import is_overdue
from bot.web.filters import Choices, read_choices, to_filter
from bot.web.pages import deps_of, render, texts_of, viewer_of
from bot.web.views.common import filter_options
from domain.period import Period, PeriodError, local_date, parse_period
from handlers.digest.export import CsvExport, XlsxExport, write_export

PAGE_SIZE = 50
# Counting stops here: "10000+" says enough, and counting further costs a full scan.
COUNT_CAP = 10_000
MAX_EXPORT_DAYS = 366


@staff
async def list_page(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    choices = read_choices(request.query, deps.directory.departments,
                           deps.directory.categories)
    now = deps.clock.now()
    wanted = to_filter(choices, now, deps.settings.bot.tz)
    async with deps.uows(read_only=True) as uow:
        rows = await uow.console.page(wanted, choices.sort,
                                      offset=(choices.page - 1) * PAGE_SIZE,
                                      limit=PAGE_SIZE + 1)
        total = await uow.console.count(wanted, cap=COUNT_CAP + 1)
    texts = texts_of(request)
    viewer = viewer_of(request)
    return render(request, "list.html", texts=texts, choices=choices,
                  options=filter_options(deps, texts), rows=rows[:PAGE_SIZE],
                  more=len(rows) > PAGE_SIZE, total=total, capped=total > COUNT_CAP,
                  overdue=lambda row: is_overdue(row, now), directory=deps.directory,
                  sort_link=lambda name: _sort_link(choices, name),
                  may_export=bool(viewer and viewer.admin))


def _sort_link(choices: Choices, name: str) -> str:
    """A column header's link: sorts by it, or the other way when it already does."""
    sort = f"-{name}" if choices.sort == name else name
    return "?" + choices.query(sort=sort, page="1")


@staff
async def export(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    texts = texts_of(request)
    # The file names the reporters: admins only, as with /export in a chat.
    if viewer is None or not viewer.admin:
        return render(request, "error.html", texts=texts, status=403, problem="not_admin")
    deps = deps_of(request)
    kind = request.match_info["kind"]
    tz = deps.settings.bot.tz
    try:
        period = _period(request, deps.clock.now(), tz)
    except PeriodError:
        return render(request, "error.html", texts=texts, status=400, problem="bad_period")
    name = f"liaison-{period.first_day.isoformat()}_{period.last_day.isoformat()}"
    async with deps.uows(read_only=True) as uow:
        if kind == "xlsx":
            buffer = io.BytesIO()
            await write_export(uow, period, tz, XlsxExport(buffer))
            body, filename = buffer.getvalue(), f"{name}.xlsx"
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            with tempfile.TemporaryDirectory() as directory:
                await write_export(uow, period, tz, CsvExport(Path(directory)))
                body = await asyncio.to_thread(_zipped, Path(directory))
            filename, content_type = f"{name}-csv.zip", "application/zip"
    return web.Response(body=body, content_type=content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _period(request: web.Request, now: datetime, tz: tzinfo) -> Period:
    first, last = request.query.get("from", ""), request.query.get("to", "")
    if not first and not last:
        return parse_period("month", now, tz)
    today = local_date(now, tz).isoformat()
    period = parse_period(f"{first or last}..{last or today}", now, tz)
    if period.last_day - period.first_day > timedelta(days=MAX_EXPORT_DAYS):
        raise PeriodError("too long")
    return period


def _zipped(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.glob("*.csv")):
            archive.write(path, path.name)
    return buffer.getvalue()
