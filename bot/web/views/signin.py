"""Signing in with a one-time link, and signing out.

Opening the link shows a button rather than signing in at once: link previews and security
scanners fetch links they see, and must not use up a one-time link. The button's form carries
a random value also set as a cookie, so only the browser that opened the link can post it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import unquote

from aiohttp import web

from bot.web.auth import NEXT_COOKIE, close_session, open_session
from bot.web.pages import deps_of, render, viewer_of
from handlers.web.tokens import digest, new_token, same, well_formed

NONCE_COOKIE = "liaison_signin"
HOME = "/web/"


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    if viewer_of(request) is not None:
        raise web.HTTPSeeOther(HOME)
    return render(request, "signin.html")


async def confirm_page(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    deps = deps_of(request)
    if not well_formed(token):
        return render(request, "signin_failed.html", status=403)
    async with deps.uows(read_only=True) as uow:
        usable = await uow.web.link_usable(digest(token), deps.clock.now())
    if not usable:
        return render(request, "signin_failed.html", status=403)
    nonce = secrets.token_urlsafe(16)
    response = render(request, "signin_confirm.html", nonce=nonce)
    response.set_cookie(NONCE_COOKIE, nonce, max_age=600, httponly=True, samesite="Lax",
                        path="/web/signin", secure=deps.web.secure_cookies)
    return response


async def use_link(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    form = await request.post()
    nonce = form.get("nonce")
    if not (well_formed(token) and isinstance(nonce, str)
            and same(nonce, request.cookies.get(NONCE_COOKIE, ""))):
        return render(request, "signin_failed.html", status=403)
    deps = deps_of(request)
    now = deps.clock.now()
    session_token, csrf = new_token(), secrets.token_urlsafe(32)
    lifetime = timedelta(hours=deps.web.session_hours)
    async with deps.uows() as uow:
        grant = await uow.web.use_link(digest(token), now)
        if grant is None:
            return render(request, "signin_failed.html", status=403)
        await uow.web.add_session(digest(session_token), grant.person_id,
                                  name=grant.person_name, language=grant.language,
                                  csrf_token=csrf, now=now, expires_at=now + lifetime)
        await uow.web.forget_expired(now)
        await uow.commit()
    response = web.HTTPSeeOther(_next(grant.next_path, request.cookies.get(NEXT_COOKIE, "")))
    open_session(request, response, session_token, lifetime)
    response.del_cookie(NONCE_COOKIE, path="/web/signin")
    raise response


async def sign_out(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    if viewer is not None:
        deps = deps_of(request)
        async with deps.uows() as uow:
            await uow.web.end_session(viewer.session_hash)
            await uow.commit()
    response = web.HTTPSeeOther("/web/signin")
    close_session(response)
    raise response


def _next(from_link: str, from_cookie: str) -> str:
    """Where to go: only a path of this console, never another site."""
    for candidate in (from_link, unquote(from_cookie)):
        if candidate.startswith("/web/") and not candidate.startswith("//") \
                and "\\" not in candidate and not candidate.startswith("/web/signin"):
            return candidate
    return HOME
