"""Rendering pages: the Jinja2 templates, in the reader's language.

The language is `?lang=` (remembered in a cookie), else the cookie, else the signed-in
person's chat language, else the browser's first choice, else the bot's language. Texts come
from the same catalogs as the chat's (`handlers/locales/<lang>/web.toml`).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot import __version__
from bot.web.deps import WebDeps
from bot.web.viewer import Viewer
from handlers.texts import LANGUAGES, Texts, pick_language
from handlers.tickets.formatting import duration, local_time

TEMPLATES = Path(__file__).parent / "templates"
LANG_COOKIE = "liaison_lang"
DEPS: web.AppKey[WebDeps] = web.AppKey("deps", WebDeps)
# Typed request keys where aiohttp has them (3.14+), plain names before.
VIEWER: Any = web.RequestKey("viewer", object) if hasattr(web, "RequestKey") else "viewer"
LANG_CHOSEN: Any = web.RequestKey("lang_chosen", str) if hasattr(web, "RequestKey") \
    else "lang_chosen"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def deps_of(request: web.Request) -> WebDeps:
    return request.config_dict[DEPS]


def viewer_of(request: web.Request) -> Viewer | None:
    return request.get(VIEWER)


def texts_of(request: web.Request) -> Texts:
    """The reader's language (see the module's docstring)."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        request[LANG_CHOSEN] = asked
        return Texts(asked)
    cookie = request.cookies.get(LANG_COOKIE, "")
    if cookie in LANGUAGES:
        return Texts(cookie)
    viewer = viewer_of(request)
    if viewer is not None and viewer.language:
        return Texts(pick_language(viewer.language, deps_of(request).settings.bot.language))
    browser = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    return Texts(pick_language(browser, deps_of(request).settings.bot.language))


def render(request: web.Request, template: str, *, status: int = 200,
           **context: Any) -> web.Response:
    deps = deps_of(request)
    texts: Texts = context.pop("texts", None) or texts_of(request)
    viewer = viewer_of(request)
    other = "en" if texts.lang == "zh" else "zh"
    values = {
        "t": texts, "lang": texts.lang, "other_lang": other, "public": False,
        "other_lang_url": _with_lang(request, other), "viewer": viewer,
        "csrf": viewer.csrf_token if viewer else "", "path": request.path,
        "static": _static, "web": deps.settings.web, "version": __version__,
        "when": lambda at: when(deps, at), "span": lambda delta: duration(delta, texts),
        **context,
    }
    html = _environment.get_template(template).render(**values)
    response = web.Response(text=html, content_type="text/html", charset="utf-8",
                            status=status)
    remember_language(request, response)
    return response


def remember_language(request: web.Request, response: web.StreamResponse) -> None:
    chosen = request.get(LANG_CHOSEN)
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, httponly=True,
                            samesite="Lax", path="/")


def when(deps: WebDeps, at: datetime | None) -> str:
    if at is None:
        return ""
    return local_time(at, deps.settings.bot.tz, deps.clock.now())


def _static(name: str) -> str:
    # The version in the address: a new release is fetched anew, an old one is cached.
    return f"/web/static/{name}?v={__version__}"


def _with_lang(request: web.Request, lang: str) -> str:
    query = [(k, v) for k, v in request.query.items() if k != "lang"] + [("lang", lang)]
    return f"{request.path}?{urlencode(query)}"
