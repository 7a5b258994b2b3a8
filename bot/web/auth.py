"""Sessions and the checks every staff page makes.

- The session cookie holds a random id; the database holds its hash, the person and the CSRF
  token. Roles are read from the configuration at every request (`Viewer`).
- No session: pages redirect to the sign-in page (remembering where the person was going),
  the JSON API answers 401. A session of someone who is not staff: 403.
- Every POST carries the session's CSRF token in the form; a missing or wrong token is 403.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote

from aiohttp import web

from bot.web.pages import VIEWER, deps_of, render, viewer_of
from bot.web.viewer import Viewer
from bot.web.viewer import viewer_of as build_viewer
from handlers.web.tokens import digest, same, well_formed

SESSION_COOKIE = "liaison_session"
NEXT_COOKIE = "liaison_next"
SIGN_IN = "/web/signin"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def load_viewer(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/web/static/"):
        request[VIEWER] = await _viewer(request)
    return await handler(request)


async def _viewer(request: web.Request) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not well_formed(token):
        return None
    deps = deps_of(request)
    hashed = digest(token)
    async with deps.uows(read_only=True) as uow:
        session = await uow.web.session_of(hashed, deps.clock.now())
    if session is None:
        return None
    return build_viewer(session, hashed, deps.directory)


@web.middleware
async def check_csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every POST of a signed-in page carries the session's token (sign-in has its own)."""
    if request.method == "POST" and not request.path.startswith(f"{SIGN_IN}/"):
        viewer = viewer_of(request)
        form = await request.post()
        given = form.get("csrf")
        if viewer is None or not isinstance(given, str) or not same(given, viewer.csrf_token):
            return render(request, "error.html", status=403, problem="csrf")
    return await handler(request)


def staff(handler: Handler) -> Handler:
    """A page for staff: sign-in first, then staff roles."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        viewer = viewer_of(request)
        if viewer is None:
            raise to_sign_in(request)
        if not viewer.staff:
            return render(request, "error.html", status=403, problem="not_staff")
        return await handler(request)

    guarded.__name__ = handler.__name__
    return guarded


def staff_api(handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        viewer = viewer_of(request)
        if viewer is None:
            return web.json_response({"error": "sign in"}, status=401)
        if not viewer.staff:
            return web.json_response({"error": "staff only"}, status=403)
        return await handler(request)

    guarded.__name__ = handler.__name__
    return guarded


def to_sign_in(request: web.Request) -> web.HTTPSeeOther:
    response = web.HTTPSeeOther(SIGN_IN)
    if request.method == "GET":
        # Where to go once signed in (this browser only; a short-lived cookie).
        response.set_cookie(NEXT_COOKIE, quote(request.path_qs, safe="/?=&#"), max_age=3600,
                            httponly=True, samesite="Lax", path="/web",
                            secure=deps_of(request).web.secure_cookies)
    return response


def open_session(request: web.Request, response: web.StreamResponse, token: str,
                 lifetime: timedelta) -> None:
    response.set_cookie(SESSION_COOKIE, token, max_age=int(lifetime.total_seconds()),
                        httponly=True, samesite="Lax", path="/",
                        secure=deps_of(request).web.secure_cookies)
    response.del_cookie(NEXT_COOKIE, path="/web")


def close_session(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")
