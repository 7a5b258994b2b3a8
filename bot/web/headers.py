"""Headers on every response of the web app.

- No referrer: a sign-in link's address must never travel to another site.
- Scripts, styles and fonts only from the app itself; images also from the map tiles' host.
- No framing; no content sniffing; pages of signed-in people are not cached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def security_headers(tiles_url: str, *, private: bool) -> Callable[..., Awaitable[
        web.StreamResponse]]:
    images = "'self' data: blob:"
    if tiles_url:
        parts = urlsplit(tiles_url.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles_url else parts.netloc
        images += f" {parts.scheme}://{host}"
    policy = (f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
              "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
            _set(response, policy, private)
            raise
        _set(response, policy, private)
        return response

    return add_headers


def _set(response: web.StreamResponse, policy: str, private: bool) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if private and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
