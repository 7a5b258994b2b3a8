"""What the sandbox's platform views (/sandbox/wecom, /sandbox/wechat) share on the server
side: reading a page's JSON request, a photo it sends as base64, and serving a stored photo."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from aiohttp import web

STATIC = Path(__file__).parent / "static"


def page(name: str) -> web.FileResponse:
    return web.FileResponse(STATIC / name)


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def photo_of(body: dict[str, Any]) -> bytes | None:
    """The photo a page attached (base64, without the data: prefix), if any."""
    if not body.get("image"):
        return None
    try:
        return base64.b64decode(str(body["image"]), validate=True)
    except (binascii.Error, ValueError):
        raise web.HTTPBadRequest(text="image is not base64") from None


def image_response(data: bytes | None) -> web.Response:
    if data is None:
        raise web.HTTPNotFound()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return web.Response(body=data, content_type=kind)
