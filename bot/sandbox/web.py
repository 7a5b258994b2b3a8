"""The sandbox page's web server: static files, the setup document, and the client API.

The local server's `/_client` routes are mounted on this same application (they act on the same
in-process server), so the page talks to one origin and needs no proxy for the event stream.
"""

from __future__ import annotations

import errno
from pathlib import Path

from aiohttp import web

from bot.localapi import LocalBotApi
from bot.localapi.http_client_api import setup_client_routes
from bot.sandbox.cast import Cast
from bot.sandbox.setup_view import page_texts, setup_document
from bot.settings import Settings, split_listen
from handlers.digest.chart import font_path
from handlers.texts import LANGUAGES, catalog

STATIC = Path(__file__).parent / "static"
PORT_TRIES = 10


def build_page_app(server: LocalBotApi, cast: Cast, settings: Settings) -> web.Application:
    app = web.Application(client_max_size=60 * 1024 * 1024)
    setup = setup_document(server, cast, settings)

    async def index(request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def cjk_font(request: web.Request) -> web.FileResponse:
        return web.FileResponse(font_path(), headers={"Cache-Control": "max-age=86400"})

    async def setup_json(request: web.Request) -> web.Response:
        return web.json_response(setup)

    async def texts_json(request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        if lang not in LANGUAGES:
            raise web.HTTPNotFound()
        return web.json_response(page_texts(dict(catalog(lang))))

    app.router.add_get("/", index)
    app.router.add_get("/sandbox/setup.json", setup_json)
    app.router.add_get("/sandbox/texts/{lang}.json", texts_json)
    app.router.add_get("/sandbox/fonts/cjk.otf", cjk_font)
    app.router.add_static("/static/", STATIC)
    setup_client_routes(app, server)
    return app


async def start_site(app: web.Application, listen: str,
                     fallback: bool) -> tuple[web.AppRunner, str]:
    """Serve the page; with `fallback`, a busy port moves on to the next free one."""
    host, port = split_listen(listen)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    tries = PORT_TRIES if fallback and port else 1
    for attempt in range(tries):
        try:
            site = web.TCPSite(runner, host, port + attempt)
            await site.start()
            break
        except OSError as error:
            if error.errno != errno.EADDRINUSE or attempt == tries - 1:
                await runner.cleanup()
                raise
    bound = runner.addresses[0]
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return runner, f"http://{shown_host}:{bound[1]}"
