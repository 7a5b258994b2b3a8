"""Open311 GeoReport v2 under /open311/v2/: discovery, services, service definitions, and
service requests (GET a list, GET one, POST a new one), each as .xml or .json.

GET needs no key and shows what the public map shows; a GET with a valid `api_key` also gets
the description and the address as reported. POST needs a valid `api_key` (403 otherwise).
Errors are the spec's `errors` document with its HTTP codes: 400, 403, 404.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot import __version__
from bot.web.deps import WebDeps
from bot.web.numbers import as_number
from bot.web.open311 import mapping
from bot.web.open311.filing import file_request
from bot.web.open311.formats import CONTENT_TYPES, JSON, XML, list_document, object_document
from bot.web.open311.params import (
    MAX_REQUESTS,
    Open311Error,
    new_request,
    requests_query,
)
from bot.web.open311.queries import find_requests
from bot.web.pages import DEPS
from bot.web.units import Busy, change
from domain.errors import DomainError
from domain.ticket import label
from handlers.context import Context
from handlers.texts import Texts

log = logging.getLogger(__name__)
FORMAT = "{fmt:(xml|json)}"


def routes(app: web.Application) -> None:
    app.router.add_get(f"/v2/discovery.{FORMAT}", discovery)
    app.router.add_get(f"/v2/services.{FORMAT}", services)
    app.router.add_get("/v2/services/{code}." + FORMAT, service_definition)
    app.router.add_get(f"/v2/requests.{FORMAT}", get_requests)
    app.router.add_post(f"/v2/requests.{FORMAT}", post_request)
    app.router.add_get("/v2/requests/{id}." + FORMAT, get_request)
    app.router.add_route("*", "/{tail:.*}", not_found)


def _deps(request: web.Request) -> WebDeps:
    return request.config_dict[DEPS]


def _texts(deps: WebDeps) -> Texts:
    return Texts(deps.settings.bot.language)


def _respond(request: web.Request, body: bytes, status: int = 200) -> web.Response:
    fmt = request.match_info.get("fmt", XML)
    return web.Response(body=body, status=status, content_type=CONTENT_TYPES[fmt],
                        charset="utf-8")


def _error(request: web.Request, error: Open311Error) -> web.Response:
    fmt = request.match_info.get("fmt") or (JSON if request.path.endswith(".json") else XML)
    body = list_document(fmt, "errors", "error", [mapping.error(error.code, error.description)])
    return web.Response(body=body, status=error.http, content_type=CONTENT_TYPES[fmt],
                        charset="utf-8")


async def discovery(request: web.Request) -> web.Response:
    deps = _deps(request)
    texts = _texts(deps)
    changeset = f"liaison-{__version__}"
    document = {
        "changeset": changeset,
        "contact": texts("open311.contact"),
        "key_service": texts("open311.key_service"),
        "endpoints": [{"specification": mapping.SPECIFICATION,
                       "url": f"{deps.web.link_base}/open311/v2", "changeset": changeset,
                       "type": "production", "formats": [CONTENT_TYPES[XML],
                                                         CONTENT_TYPES[JSON]]}],
    }
    return _respond(request, object_document(request.match_info["fmt"], "discovery",
                                             document))


async def services(request: web.Request) -> web.Response:
    deps = _deps(request)
    texts = _texts(deps)
    items = [mapping.service(c, deps.directory, texts) for c in deps.settings.categories]
    return _respond(request, list_document(request.match_info["fmt"], "services", "service",
                                           items))


async def service_definition(request: web.Request) -> web.Response:
    deps = _deps(request)
    code = request.match_info["code"]
    if code not in deps.directory.categories:
        return _error(request, Open311Error(404, f"service_code {code!r} was not found"))
    # No service asks for more than the request's own fields.
    return _respond(request, object_document(request.match_info["fmt"], "service_definition",
                                             {"service_code": code, "attributes": []}))


async def get_requests(request: web.Request) -> web.Response:
    deps = _deps(request)
    try:
        full = _key_given(deps, dict(request.query))
        query = requests_query(dict(request.query), deps.clock.now(), deps.settings.bot.tz)
    except Open311Error as error:
        return _error(request, error)
    async with deps.uows(read_only=True) as uow:
        rows = await find_requests(uow, query, MAX_REQUESTS)
    return _respond(request, _requests(request, deps, rows, full))


async def get_request(request: web.Request) -> web.Response:
    deps = _deps(request)
    wanted = request.match_info["id"]
    try:
        full = _key_given(deps, dict(request.query))
    except Open311Error as error:
        return _error(request, error)
    number = as_number(wanted)
    if number is None:
        return _error(request, Open311Error(404, f"service_request_id {wanted!r} was not found"))
    async with deps.uows(read_only=True) as uow:
        row = await uow.console.summary(number)
    if row is None:
        return _error(request, Open311Error(404, f"service_request_id {wanted} was not found"))
    return _respond(request, _requests(request, deps, [row], full))


async def post_request(request: web.Request) -> web.Response:
    deps = _deps(request)
    values = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    try:
        if not deps.web.accepts_key(values.get("api_key", "")):
            raise Open311Error(403, "missing or invalid api_key -- can't create a request")
        wanted = new_request(values)
        if wanted.service_code not in deps.directory.categories:
            raise Open311Error(404, f"service_code {wanted.service_code!r} was not found")
        chat_id = deps.web.open311_chat_id or deps.settings.admins.chat_id
        if chat_id is None:
            raise Open311Error(400, "this endpoint does not accept requests (no chat is "
                                    "configured for them)")

        async def work(ctx: Context) -> Any:
            return await file_request(deps, ctx, wanted, chat_id)

        created = await change(deps, work)
    except Open311Error as error:
        return _error(request, error)
    except (DomainError, Busy) as error:
        log.warning("open311 request refused", extra={"error": repr(error)})
        return _error(request, Open311Error(400, "the request could not be filed; try again"))
    texts = _texts(deps)
    ticket = created.ticket
    key = "open311.joined" if created.duplicate else "open311.filed"
    notice = texts(key, ticket=label(ticket.number), department=deps.directory.department_name(
        ticket.department_id, texts.lang) or "—")
    log.info("open311 request filed", extra={"ticket": ticket.number,
                                             "duplicate": created.duplicate})
    return _respond(request, list_document(
        request.match_info["fmt"], "service_requests", "request",
        [{"service_request_id": str(ticket.number), "service_notice": notice,
          "account_id": None}]))


async def not_found(request: web.Request) -> web.Response:
    return _error(request, Open311Error(404, "no such resource; see /open311/v2/discovery.xml"))


def _key_given(deps: WebDeps, values: dict[str, str]) -> bool:
    """A GET may carry a key for the full view; a key that is given must be right."""
    key = values.get("api_key", "")
    if not key:
        return False
    if not deps.web.accepts_key(key):
        raise Open311Error(403, "invalid api_key")
    return True


def _requests(request: web.Request, deps: WebDeps, rows: list[Any], full: bool) -> bytes:
    names = mapping.Names(deps.directory, _texts(deps))
    tz = deps.settings.bot.tz
    photos = deps.web.public and deps.web.public_photos
    areas = deps.areas.names_at([(row.lat, row.lon) for row in rows])
    items = [mapping.request(
        row, names=names, tz=tz, area=area, full=full,
        media_url=f"{deps.web.link_base}/public/tickets/{row.number}"
        if photos and row.has_photo else None) for row, area in zip(rows, areas, strict=True)]
    return list_document(request.match_info["fmt"], "service_requests", "request", items)
