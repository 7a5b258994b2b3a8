"""Mounting the web app on the bot's HTTP server: /web/ (staff), /public/ and /open311/.

Each part is a sub-application with its own middlewares, so they apply to its routes only and
never to another part served on the same address (a platform's webhook…).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from bot.http_listener import HttpListeners
from bot.web.auth import check_csrf, load_viewer
from bot.web.deps import WebDeps
from bot.web.headers import security_headers
from bot.web.open311.routes import routes as open311_routes
from bot.web.pages import DEPS, render
from bot.web.public import views as public
from bot.web.views import actions, dashboard, mapview, signin, ticket, tickets
from handlers.digest.chart import font_path

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def mount(http: HttpListeners, deps: WebDeps) -> None:
    listen = deps.web.listen
    assert listen, "the web app is mounted only when [web] listen is configured"
    root = http.app(listen)
    root.add_subapp("/web/", staff_app(deps))
    if deps.web.public:
        root.add_subapp("/public/", public_app(deps))
    if deps.web.open311:
        root.add_subapp("/open311/", open311_app(deps))
    home = "/public/" if deps.web.public else "/web/"
    if not any(resource.canonical == "/" for resource in root.router.resources()):
        root.router.add_get("/", _redirect(home))


def staff_app(deps: WebDeps) -> web.Application:
    app = web.Application(middlewares=[
        security_headers(deps.web.tiles_url, private=True), failures, load_viewer, check_csrf])
    app[DEPS] = deps
    add = app.router
    add.add_get("/", mapview.map_page)
    add.add_get("/signin", signin.sign_in_page)
    add.add_get("/signin/{token}", signin.confirm_page)
    add.add_post("/signin/{token}", signin.use_link)
    add.add_post("/signout", signin.sign_out)
    add.add_get("/api/map", mapview.map_api)
    add.add_get("/api/areas", mapview.areas_api)
    add.add_get("/tickets", tickets.list_page)
    add.add_get("/tickets/export.{kind:(csv|xlsx)}", tickets.export)
    add.add_get("/tickets/{number}", ticket.ticket_page)
    add.add_post("/tickets/{number}/act", actions.act)
    add.add_get("/tickets/{number}/photos/{photo}", ticket.photo)
    add.add_get("/dashboard", dashboard.dashboard)
    add.add_get("/static/fonts/cjk.otf", _font)
    add.add_static("/static/", STATIC, append_version=False)
    return app


def public_app(deps: WebDeps) -> web.Application:
    app = web.Application(middlewares=[
        security_headers(deps.web.tiles_url, private=False), failures])
    app[DEPS] = deps
    add = app.router
    add.add_get("/", public.home)
    add.add_get("/tickets", public.ticket_list)
    add.add_get("/tickets/{number}", public.ticket_page)
    add.add_get("/tickets/{number}/photos/{photo}", public.photo)
    add.add_get("/api/map", public.map_api)
    add.add_get("/api/areas", public.areas_api)
    return app


def open311_app(deps: WebDeps) -> web.Application:
    app = web.Application(middlewares=[security_headers("", private=False), open_to_all])
    app[DEPS] = deps
    open311_routes(app)
    return app


@web.middleware
async def failures(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An unexpected error is logged and answered with a short page, never a traceback."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("web request failed", extra={"path": request.path})
        return render(request, "error.html", status=500, problem="unexpected")


@web.middleware
async def open_to_all(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Reading the API needs no key, so any web page may read it too."""
    response = await handler(request)
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


async def _font(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(font_path(), headers={"Cache-Control": "public, max-age=604800"})


def _redirect(target: str) -> Handler:
    async def go(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(target)

    return go
