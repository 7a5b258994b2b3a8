"""One line for the next page (what an action did, or why it was refused), in a cookie, so a
form's answer survives the redirect that keeps a reload from sending the form again."""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

from aiohttp import web

COOKIE = "liaison_flash"
MAX_CHARS = 600


def leave(response: web.StreamResponse, text: str, *, ok: bool, path: str = "/web") -> None:
    value = quote(json.dumps({"ok": ok, "text": text[:MAX_CHARS]}, ensure_ascii=False))
    response.set_cookie(COOKIE, value, max_age=120, httponly=True, samesite="Lax", path=path)


def clear(request: web.Request, response: web.StreamResponse) -> None:
    if request.cookies.get(COOKIE):
        response.del_cookie(COOKIE, path="/web")


def waiting(request: web.Request) -> dict[str, object] | None:
    """The line left for this page, if any (`clear` it on the response that shows it)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        found = json.loads(unquote(raw))
    except ValueError:
        return None
    if not isinstance(found, dict) or not isinstance(found.get("text"), str):
        return None
    return {"ok": bool(found.get("ok")), "text": found["text"]}
