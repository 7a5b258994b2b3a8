"""A ticket's page: the card, photos before and after, a small map, the whole timeline, and a
form for every action the person may take on it now."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.web import flash
from bot.web.auth import staff
from bot.web.deps import WebDeps
from bot.web.pages import deps_of, render, texts_of, viewer_of
from bot.web.views.actions import offered_actions
from bot.web.views.common import ticket_number
from domain.ticket import Ticket, label
from handlers.context import Context
from handlers.intake.exif_gps import sniff_image_type
from handlers.staff.view import describe_event
from handlers.texts import Texts
from handlers.tickets.card import card_text
from handlers.tickets.formatting import local_time
from storage.repositories.console import PhotoFile

PHOTO_KINDS = ("before", "progress", "after")


@dataclass(frozen=True)
class TimelineEntry:
    at: str
    what: str
    who: str
    note: str


@staff
async def ticket_page(request: web.Request) -> web.StreamResponse:
    number = ticket_number(request)
    deps = deps_of(request)
    texts = texts_of(request)
    viewer = viewer_of(request)
    assert viewer is not None
    async with deps.uows(read_only=True) as uow:
        ticket = await uow.tickets.get(number)
        if ticket is None:
            return render(request, "error.html", texts=texts, status=404, problem="no_ticket")
        ctx = deps.context(uow)
        photos = await uow.console.photos(number)
        actions = await offered_actions(ctx, ticket, viewer.person(), texts)
        before = sum(1 for p in photos if p.kind == "before")
        card = card_text(ticket, ctx, texts, public=False, photos=before)
        entries = timeline(ctx, ticket, texts)
    response = render(
        request, "ticket.html", texts=texts, ticket=ticket, title=label(ticket.number),
        card=card, entries=entries, actions=actions, flash=flash.waiting(request),
        photos={kind: [p for p in photos if p.kind == kind and p.sha256]
                for kind in PHOTO_KINDS},
        pending_photos=sum(1 for p in photos if not p.sha256))
    flash.clear(request, response)
    return response


def timeline(ctx: Context, ticket: Ticket, texts: Texts) -> list[TimelineEntry]:
    """Every event of the log a person would want to read, oldest first (staff view: full
    names, notes as written)."""
    entries = []
    for event in ticket.events:
        what = describe_event(ctx, ticket, event, texts)
        if what is None:
            continue
        entries.append(TimelineEntry(
            at=local_time(event.at, ctx.directory.tz, ctx.now), what=what,
            who="" if event.actor.is_system else event.actor.name, note=event.note))
    return entries


@staff
async def photo(request: web.Request) -> web.StreamResponse:
    number = ticket_number(request)
    wanted = request.match_info["photo"]
    deps = deps_of(request)
    async with deps.uows(read_only=True) as uow:
        photos = await uow.console.photos(number)
    return send_photo(deps, photos, wanted)


def send_photo(deps: WebDeps, photos: list[PhotoFile], wanted: str) -> web.StreamResponse:
    found = next((p for p in photos if str(p.id) == wanted and p.sha256), None)
    if found is None or found.sha256 is None or not deps.media.has(found.sha256):
        raise web.HTTPNotFound()
    path = deps.media.path(found.sha256)
    with path.open("rb") as handle:
        kind = sniff_image_type(handle.read(64)) or "jpeg"
    return web.FileResponse(path, headers={"Content-Type": f"image/{kind}",
                                           "Cache-Control": "private, max-age=86400"})
