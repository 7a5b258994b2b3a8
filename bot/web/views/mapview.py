"""The staff map: markers coloured by status over the departments' areas, with filters."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from bot.web.auth import staff, staff_api
from bot.web.clustering import BadBox, parse_box, parse_zoom
from bot.web.facts import is_overdue
from bot.web.filters import read_choices, to_filter
from bot.web.mapdata import map_data
from bot.web.pages import deps_of, render, texts_of
from bot.web.views.common import filter_options
from domain.ticket import label
from handlers.web.links import ticket_path
from storage.repositories.console import TicketSummary


@staff
async def map_page(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    choices = read_choices(request.query, deps.directory.departments,
                           deps.directory.categories)
    texts = texts_of(request)
    return render(request, "map.html", texts=texts, choices=choices,
                  options=filter_options(deps, texts), bounds=deps.areas.bounds(),
                  data_url="/web/api/map", areas_url="/web/api/areas")


@staff_api
async def map_api(request: web.Request) -> web.StreamResponse:
    deps = deps_of(request)
    choices = read_choices(request.query, deps.directory.departments,
                           deps.directory.categories)
    now = deps.clock.now()
    try:
        box = parse_box(request.query.get("bbox", ""))
    except BadBox:
        return web.json_response({"error": "bbox=west,south,east,north"}, status=400)
    wanted = replace(to_filter(choices, now, deps.settings.bot.tz), box=box)
    texts = texts_of(request)
    directory = deps.directory

    def describe(ticket: TicketSummary) -> dict[str, Any]:
        return {"n": ticket.number, "label": label(ticket.number), "lat": ticket.lat,
                "lon": ticket.lon, "status": ticket.status,
                "title": f"{directory.category_name(ticket.category_id, texts.lang)} · "
                         f"{texts('status.' + ticket.status)}",
                "overdue": int(is_overdue(ticket, now)), "url": ticket_path(ticket.number)}

    async with deps.uows(read_only=True) as uow:
        data = await map_data(uow, wanted, parse_zoom(request.query.get("zoom", "")),
                              describe, ticket_path)
    return web.json_response(data)


@staff_api
async def areas_api(request: web.Request) -> web.StreamResponse:
    return web.json_response(deps_of(request).areas.for_map(texts_of(request).lang),
                             headers={"Cache-Control": "private, max-age=300"})
