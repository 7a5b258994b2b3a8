"""The public map, its list, a page per ticket, and their data calls."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot.web.clustering import BadBox, parse_box, parse_zoom
from bot.web.deps import WebDeps
from bot.web.filters import Choices, read_choices, to_filter
from bot.web.mapdata import map_data
from bot.web.pages import deps_of, render, texts_of
from bot.web.public.fields import COORDINATE_DIGITS, PublicTicket, public_ticket
from bot.web.views.common import filter_options, ticket_number
from bot.web.views.ticket import send_photo
from domain.period import parse_period
from handlers.texts import Texts
from handlers.tickets.formatting import duration
from storage.queries.percentiles import Spread
from storage.queries.scope import EVERYTHING
from storage.repositories.console import TicketFilter, TicketSummary
from storage.uow import UnitOfWork

PAGE_SIZE = 30
HOME_ROWS = 10
STATUS_CHOICES = ("open", "settled", "all")


def ticket_link(number: int) -> str:
    return f"/public/tickets/{number}"


def _public_choices(request: web.Request, deps: WebDeps) -> Choices:
    # Only the status groups and categories: nothing else is public to filter by.
    choices = read_choices(request.query, (), deps.directory.categories, default_status="all")
    statuses = tuple(s for s in choices.statuses if s in STATUS_CHOICES) or ("all",)
    return replace(choices, statuses=statuses, search="", overdue=False, first_day="",
                   last_day="", sort="-reported")


async def home(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    texts = texts_of(request)
    now = deps.clock.now()
    async with deps.uows(read_only=True) as uow:
        month = await _resolved_this_month(uow, deps, now)
        recent = await uow.console.page(TicketFilter(now=now), "-reported", offset=0,
                                        limit=HOME_ROWS)
    return render(request, "public/home.html", texts=texts, public=True, month=month,
                  rows=[_public(deps, row, texts) for row in recent],
                  options=filter_options(deps, texts), choices=_public_choices(request, deps),
                  statuses=STATUS_CHOICES, bounds=deps.areas.bounds(),
                  data_url="/public/api/map", areas_url="/public/api/areas",
                  seconds=lambda s: _span(s, texts))


async def ticket_list(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    texts = texts_of(request)
    choices = _public_choices(request, deps)
    wanted = to_filter(choices, deps.clock.now(), deps.settings.bot.tz)
    async with deps.uows(read_only=True) as uow:
        rows = await uow.console.page(wanted, "-reported", offset=(choices.page - 1) * PAGE_SIZE,
                                      limit=PAGE_SIZE + 1)
    return render(request, "public/list.html", texts=texts, public=True, choices=choices,
                  statuses=STATUS_CHOICES, options=filter_options(deps, texts),
                  rows=[_public(deps, row, texts) for row in rows[:PAGE_SIZE]],
                  more=len(rows) > PAGE_SIZE)


async def ticket_page(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    texts = texts_of(request)
    number = ticket_number(request)
    async with deps.uows(read_only=True) as uow:
        row = await uow.console.summary(number)
        photos = await uow.console.photos(number) if row and deps.web.public_photos else []
    if row is None:
        return render(request, "error.html", texts=texts, status=404, problem="no_ticket",
                      public=True)
    return render(request, "public/ticket.html", texts=texts, public=True,
                  ticket=_public(deps, row, texts), photos=[p for p in photos if p.sha256])


async def map_api(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    texts = texts_of(request)
    try:
        box = parse_box(request.query.get("bbox", ""))
    except BadBox:
        return web.json_response({"error": "bbox=west,south,east,north"}, status=400)
    choices = _public_choices(request, deps)
    wanted = replace(to_filter(choices, deps.clock.now(), deps.settings.bot.tz), box=box)

    def describe(row: TicketSummary) -> dict[str, Any]:
        shown = _public(deps, row, texts)
        return {"n": shown.number, "label": shown.label, "lat": shown.lat, "lon": shown.lon,
                "status": shown.status, "title": f"{shown.category} · {shown.status_text}",
                "overdue": 0, "url": ticket_link(shown.number)}

    async with deps.uows(read_only=True) as uow:
        data = await map_data(uow, wanted, parse_zoom(request.query.get("zoom", "")),
                              describe, ticket_link, digits=COORDINATE_DIGITS)
    return web.json_response(data)


async def areas_api(request: web.Request) -> web.StreamResponse:
    return web.json_response(deps_of(request).areas.for_map(texts_of(request).lang))


async def photo(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    if not deps.web.public_photos:
        raise web.HTTPNotFound()
    async with deps.uows(read_only=True) as uow:
        photos = await uow.console.photos(ticket_number(request))
    return send_photo(deps, photos, request.match_info["photo"])


def _public(deps: WebDeps, row: TicketSummary, texts: Texts) -> PublicTicket:
    return public_ticket(row, deps.directory, deps.areas, texts)


async def _resolved_this_month(uow: UnitOfWork, deps: WebDeps, now: datetime) -> Spread:
    period = parse_period("month", now, deps.settings.bot.tz)
    return await uow.queries.time_to_resolve(EVERYTHING, period.start, period.as_of(now))


def _span(seconds: float | None, texts: Texts) -> str:
    return "—" if seconds is None else duration(timedelta(seconds=seconds), texts)
