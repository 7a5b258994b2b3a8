"""The server API routes of the local WeChat server (cgi-bin/...), as documented.

Every answer is JSON with ``errcode``/``errmsg`` like WeChat's, except media/get's file.
Order of checks per call: injected fault, per-minute limit (45011), access token
(41001/40001/42001), then the method's own rules.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.wechat import budget

if TYPE_CHECKING:
    from .server import LocalWeChat

from .state import Received

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

IMAGE_LIMIT = 2 * 1024 * 1024
# The service-account pages give no number; 微信客服's send_msg says 2048 bytes. Stricter
# here than perhaps on WeChat, so a bot that passes locally does not fail there.
TEXT_LIMIT_BYTES = 2048
DROPPED_TEMPLATE_FIELDS = frozenset({"first", "remark"})
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png",
               b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
ERRMSG = {
    0: "ok", 40001: "invalid credential, access_token is invalid or not latest",
    41001: "access_token missing", 42001: "access_token expired",
    40003: "invalid openid", 40004: "invalid media type", 40007: "invalid media_id",
    40009: "invalid image size", 40013: "invalid appid", 40125: "invalid appsecret",
    40016: "invalid button size", 40017: "invalid button type",
    40018: "invalid button name size", 40019: "invalid button key size",
    40023: "invalid sub button size", 40037: "invalid template_id",
    40137: "invalid image format", 43004: "require subscribe",
    44004: "empty content", 45002: "content size out of limit",
    45011: "api minute-quota reach limit mustslower retry next minute",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit", 47001: "data format error",
    47003: "argument invalid!",
}


class ApiAnswer(Exception):
    def __init__(self, errcode: int, errmsg: str | None = None) -> None:
        self.errcode = errcode
        self.errmsg = errmsg or ERRMSG.get(errcode, "error")


def answer(errcode: int = 0, **extra: Any) -> web.Response:
    body = {"errcode": errcode, "errmsg": ERRMSG.get(errcode, "error"), **extra}
    return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))


class Routes:
    def __init__(self, server: LocalWeChat) -> None:
        self.s = server

    def install(self, app: web.Application) -> None:
        r = app.router
        r.add_post("/cgi-bin/stable_token", self.guarded(self.stable_token, token=False))
        r.add_post("/cgi-bin/message/custom/send", self.guarded(self.custom_send))
        r.add_post("/cgi-bin/message/template/send", self.guarded(self.template_send))
        r.add_get("/cgi-bin/media/get", self.guarded(self.media_get))
        r.add_post("/cgi-bin/media/upload", self.guarded(self.media_upload))
        r.add_post("/cgi-bin/menu/create", self.guarded(self.menu_create))
        r.add_get("/_pic/{media_id}", self.picture)
        r.add_get("/_control/users", self.control_users)
        r.add_get("/_control/users/{openid}/received", self.control_received)

    def guarded(self, handler: Handler, token: bool = True) -> Handler:
        async def run(request: web.Request) -> web.StreamResponse:
            path = request.path
            world, now = self.s.world, self.s.clock.now()
            fault = self.s.faults.take(path)
            if fault is not None:
                if fault.delay_s:
                    await asyncio.sleep(fault.delay_s)
                if fault.http_status:
                    world.calls.append((path, -fault.http_status))
                    return web.Response(status=fault.http_status, text="injected")
                if fault.errcode is not None:
                    world.calls.append((path, fault.errcode))
                    return web.json_response({"errcode": fault.errcode,
                                              "errmsg": fault.errmsg})
            limit = self.s.per_minute_limit
            if limit and world.count_call(path, now) > limit:
                world.calls.append((path, 45011))
                return answer(45011)
            if token:
                code = world.tokens.check(request.query.get("access_token"), now)
                if code:
                    world.calls.append((path, code))
                    return answer(code)
            try:
                response = await handler(request)
            except ApiAnswer as refused:
                world.calls.append((path, refused.errcode))
                return web.json_response({"errcode": refused.errcode,
                                          "errmsg": refused.errmsg})
            world.calls.append((path, 0))
            return response

        return run

    async def _json(self, request: web.Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.read())
        except ValueError as exc:
            raise ApiAnswer(47001) from exc
        if not isinstance(body, dict):
            raise ApiAnswer(47001)
        return body

    # -- token ---------------------------------------------------------------------------

    async def stable_token(self, request: web.Request) -> web.StreamResponse:
        body = await self._json(request)
        if body.get("grant_type") != "client_credential":
            raise ApiAnswer(40002, "invalid grant_type")
        if body.get("appid") != self.s.app_id:
            raise ApiAnswer(40013)
        if body.get("secret") != self.s.app_secret:
            raise ApiAnswer(40125)
        value, expires_in = self.s.world.tokens.issue(self.s.clock.now(),
                                                      bool(body.get("force_refresh")))
        return web.json_response({"access_token": value, "expires_in": expires_in})

    # -- messages ------------------------------------------------------------------------

    def _follower(self, openid: Any) -> Any:
        follower = self.s.world.followers.get(str(openid)) if openid else None
        if follower is None:
            raise ApiAnswer(40003)
        return follower

    async def custom_send(self, request: web.Request) -> web.StreamResponse:
        body = await self._json(request)
        follower = self._follower(body.get("touser"))
        kind = body.get("msgtype")
        content = body.get(kind) if isinstance(kind, str) else None
        if not isinstance(content, dict):
            raise ApiAnswer(47001)
        now = self.s.clock.now()
        if kind == "text":
            text = content.get("content")
            if not isinstance(text, str) or not text:
                raise ApiAnswer(44004)
            if len(text.encode()) > TEXT_LIMIT_BYTES:
                raise ApiAnswer(45002)
        elif kind == "image":
            if self.s.world.live_media(str(content.get("media_id", "")), now) is None:
                raise ApiAnswer(40007)
        elif kind == "msgmenu":
            items = content.get("list")
            if not isinstance(items, list) or not items or not all(
                    isinstance(i, dict) and i.get("id") and i.get("content") for i in items):
                raise ApiAnswer(47001)
        else:
            raise ApiAnswer(40008, "invalid message type")
        if not follower.subscribed:
            raise ApiAnswer(45015)
        refusal = budget.refusal(follower.budget, now)
        if refusal == "window_closed":
            raise ApiAnswer(45015)
        if refusal == "quota_used":
            raise ApiAnswer(45047)
        follower.budget = budget.charge(follower.budget, now)
        follower.received.append(Received("custom", kind, content, now))
        return answer(0)

    async def template_send(self, request: web.Request) -> web.StreamResponse:
        body = await self._json(request)
        follower = self._follower(body.get("touser"))
        keys = self.s.world.templates.get(str(body.get("template_id", "")))
        if keys is None:
            raise ApiAnswer(40037)
        if not follower.subscribed:
            raise ApiAnswer(43004)
        data = body.get("data")
        if not isinstance(data, dict) or not all(
                k in keys and isinstance(v, dict) and "value" in v for k, v in data.items()):
            raise ApiAnswer(47003)
        msgid = self.s.world.next_template_msg_id()
        # Since May 2023 WeChat drops "first" and "remark" (关于规范公众号模板消息的再次公告):
        # the call succeeds, the user never sees them.
        shown = {k: v for k, v in data.items() if k not in DROPPED_TEMPLATE_FIELDS}
        sent = {"template_id": body["template_id"], "data": shown, "url": body.get("url", ""),
                "dropped": sorted(set(data) - set(shown))}
        follower.received.append(Received("template", "template", sent, self.s.clock.now()))
        return answer(0, msgid=msgid)

    # -- media ---------------------------------------------------------------------------

    async def media_get(self, request: web.Request) -> web.StreamResponse:
        stored = self.s.world.live_media(request.query.get("media_id", ""), self.s.clock.now())
        if stored is None:
            raise ApiAnswer(40007)
        ext = stored.content_type.rsplit("/", 1)[-1]
        return web.Response(body=stored.data, content_type=stored.content_type, headers={
            "Content-disposition": f'attachment; filename="media.{ext}"'})

    async def media_upload(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("type") != "image":
            raise ApiAnswer(40004)
        try:
            form = await request.post()
        except ValueError as exc:
            raise ApiAnswer(41005, "media data missing") from exc
        field = form.get("media")
        if field is None or not hasattr(field, "file"):
            raise ApiAnswer(41005, "media data missing")
        data = field.file.read()
        if not data or len(data) > IMAGE_LIMIT:
            raise ApiAnswer(40009)
        kind = next((t for magic, t in IMAGE_MAGIC.items() if data.startswith(magic)), None)
        if kind is None:
            raise ApiAnswer(40137)
        now = self.s.clock.now()
        media_id = self.s.world.new_media(data, kind, now)
        return answer(0, type="image", media_id=media_id, created_at=int(now.timestamp()))

    async def picture(self, request: web.Request) -> web.StreamResponse:
        """PicUrl of a user's image (what WeChat's CDN serves)."""
        stored = self.s.world.media.get(request.match_info["media_id"])
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.content_type)

    # -- menu ----------------------------------------------------------------------------

    async def menu_create(self, request: web.Request) -> web.StreamResponse:
        body = await self._json(request)
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            raise ApiAnswer(40016)
        for button in buttons:
            self._check_button(button, top=True)
        self.s.world.menu = body
        return answer(0)

    def _check_button(self, button: Any, *, top: bool) -> None:
        if not isinstance(button, dict) or not button.get("name"):
            raise ApiAnswer(40017)
        if len(str(button["name"]).encode()) > (16 if top else 60):
            raise ApiAnswer(40018)
        subs = button.get("sub_button")
        if top and subs:
            if not isinstance(subs, list) or len(subs) > 5:
                raise ApiAnswer(40023)
            for sub in subs:
                self._check_button(sub, top=False)
            return
        kind = button.get("type")
        if kind in ("click", "scancode_push", "scancode_waitmsg", "location_select"):
            key = button.get("key")
            if not key or len(str(key).encode()) > 128:
                raise ApiAnswer(40019)
        elif kind == "view":
            if not button.get("url"):
                raise ApiAnswer(40017)
        else:
            raise ApiAnswer(40017)

    # -- control (tests, sandbox) ----------------------------------------------------------

    async def control_users(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(sorted(self.s.world.followers))

    async def control_received(self, request: web.Request) -> web.StreamResponse:
        follower = self.s.world.followers.get(request.match_info["openid"])
        if follower is None:
            raise web.HTTPNotFound()
        return web.json_response(
            [{"via": r.via, "kind": r.kind, "body": r.body, "at": r.at.isoformat(),
              "text": r.text} for r in follower.received],
            dumps=lambda o: json.dumps(o, ensure_ascii=False))
