"""A local WeCom: the smart bot's long connection and the group robot webhook, over real
WebSocket and HTTP, for tests, benchmarks and the sandbox.

Long connection (at `ws_url`): the bot subscribes with its bot id and secret, pings, receives
message and event callbacks, replies (aibot_respond_msg), replaces cards
(aibot_respond_update_msg, only within the window after the press) and sends actively
(aibot_send_msg), paced per chat. A second connection that subscribes with the same bot id takes
over: the first one receives disconnected_event and is closed, as the real service does.

While no connection is subscribed, callbacks are held and pushed after the next subscribe
(`hold_while_offline`); the public documentation does not say what the real service does, so
tests can switch holding off to see the bot survive losing them.

Robot webhook (at `robot_url`): POST /cgi-bin/webhook/send?key=KEY, checked like the real one,
20 messages a minute per key (errcode 45009 past that).

Tests drive it through the Python methods: `say`, `press`, `drop`, `kick`, `fail_next`,
`delay_answers`, `ignore_pings`, and read `chat(chatid)`, `robot_messages(key)`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import itertools
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.wecom import frames
from bot.wecom.frames import Request
from bot.wecom.media import encrypt_media, new_aeskey

from .limits import SlidingWindow

log = logging.getLogger(__name__)

# Our own codes where the public pages name none.
ERR_BAD_SECRET = 40001  # invalid credential
ERR_BAD_REQUEST = 40058  # invalid parameter
ERR_RATE = 45009  # api freq out of limit
ERR_EXPIRED = 846605  # reply to a req_id that is unknown, spent or past its window
ERR_NOT_SUBSCRIBED = 40054


@dataclass
class Posted:
    """One thing the bot put into a chat."""

    kind: str  # "send", "reply", "card_update", "robot"
    chatid: str
    body: dict[str, Any]
    at: float
    req_id: str = ""

    @property
    def msgtype(self) -> str:
        return str(self.body.get("msgtype") or ("template_card" if "template_card" in self.body
                                                else ""))

    @property
    def text(self) -> str:
        for key in ("markdown", "text", "stream"):
            part = self.body.get(key)
            if isinstance(part, dict) and "content" in part:
                return str(part["content"])
        return ""


@dataclass
class _Callback:
    req_id: str
    chatid: str
    kind: str  # "message" or "card"
    at: float
    frame: str
    replies: int = 0


@dataclass
class _Fault:
    errcode: int
    errmsg: str
    count: int


@dataclass
class Chat:
    chatid: str
    posts: list[Posted] = field(default_factory=list)

    def of(self, kind: str) -> list[Posted]:
        return [p for p in self.posts if p.kind == kind]


class LocalWeCom:
    def __init__(
        self,
        bot_id: str = "local-bot",
        secret: str = "local-secret",
        *,
        bot_name: str = "联络机器人",
        chat_per_minute: float = 30,
        chat_per_hour: float = 1000,
        robot_per_minute: float = 20,
        card_update_window_s: float = 5.0,
        reply_window_s: float = 24 * 3600,
        hold_while_offline: bool = True,
        encrypt_media: bool = True,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot_id = bot_id
        self.secret = secret
        self.bot_name = bot_name
        self.hold_while_offline = hold_while_offline
        self.encrypt_media = encrypt_media
        self._now = now
        self._chat_minute = SlidingWindow(chat_per_minute, 60, now)
        self._chat_hour = SlidingWindow(chat_per_hour, 3600, now)
        self._robot_minute = SlidingWindow(robot_per_minute, 60, now)
        self.card_update_window_s = card_update_window_s
        self.reply_window_s = reply_window_s
        self._active: web.WebSocketResponse | None = None
        self._subscribed = asyncio.Event()
        self._held: list[str] = []
        self._callbacks: dict[str, _Callback] = {}
        self._chats: dict[str, Chat] = {}
        self._robots: dict[str, list[Posted]] = {}
        self._media: dict[str, tuple[bytes, str]] = {}
        # Uploads in progress (upload_id → parts) and finished ones (media_id → bytes).
        self._uploads: dict[str, dict[str, Any]] = {}
        self.uploaded: dict[str, bytes] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._answer_delay_s = 0.0
        self._ignore_pings = False
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.base_url = ""
        self.subscribes = 0
        self.refused_subscribes = 0
        self.pings = 0
        self.kicks = 0
        self.rate_limited = 0
        self.frames_in = 0

    # ------------------------------------------------------------ lifecycle

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_get("/", self._ws)
        app.router.add_post("/cgi-bin/webhook/send", self._robot)
        app.router.add_get("/media/{name}", self._serve_media)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._runner = web.AppRunner(self.app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        bound = sockets[0].getsockname()[1] if sockets else port
        self.base_url = f"http://{host}:{bound}"

    async def stop(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url[len("http"):] + "/"

    @property
    def robot_base(self) -> str:
        return self.base_url

    @property
    def online(self) -> bool:
        return self._active is not None and not self._active.closed

    async def wait_subscribed(self, within_s: float = 5.0) -> None:
        await asyncio.wait_for(self._subscribed.wait(), within_s)

    # ------------------------------------------------------------ the long connection

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                self.frames_in += 1
                decoded = frames.decode(message.data)
                if not isinstance(decoded, Request):
                    log.info("local wecom: ignoring frame %r", decoded)
                    continue
                await self._handle(ws, decoded)
        finally:
            self._sockets.discard(ws)
            if self._active is ws:
                self._active = None
                self._subscribed.clear()
        return ws

    async def _answer(self, ws: web.WebSocketResponse, req_id: str, errcode: int = 0,
                      errmsg: str = "ok") -> None:
        if self._answer_delay_s:
            await asyncio.sleep(self._answer_delay_s)
        if not ws.closed:
            await ws.send_str(frames.answer(req_id, errcode, errmsg))

    def _fault(self, cmd: str) -> _Fault | None:
        queue = self._faults.get(cmd)
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault

    async def _handle(self, ws: web.WebSocketResponse, request: Request) -> None:
        if request.cmd == frames.SUBSCRIBE:
            await self._subscribe(ws, request)
            return
        if ws is not self._active:
            await self._answer(ws, request.req_id, ERR_NOT_SUBSCRIBED, "not subscribed")
            return
        if request.cmd == frames.PING:
            self.pings += 1
            if not self._ignore_pings:
                await self._answer(ws, request.req_id)
            return
        fault = self._fault(request.cmd)
        if fault is not None:
            if fault.errcode == ERR_RATE:
                self.rate_limited += 1
            await self._answer(ws, request.req_id, fault.errcode, fault.errmsg)
            return
        body = request.body if isinstance(request.body, dict) else {}
        if request.cmd == frames.SEND:
            await self._send(ws, request.req_id, body)
        elif request.cmd in (frames.UPLOAD_INIT, frames.UPLOAD_CHUNK, frames.UPLOAD_FINISH):
            await self._upload(ws, request, body)
        elif request.cmd in (frames.RESPOND, frames.RESPOND_UPDATE):
            await self._reply(ws, request, body)
        else:
            await self._answer(ws, request.req_id, ERR_BAD_REQUEST, "unsupported cmd")

    async def _subscribe(self, ws: web.WebSocketResponse, request: Request) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        if body.get("bot_id") != self.bot_id or body.get("secret") != self.secret:
            self.refused_subscribes += 1
            await self._answer(ws, request.req_id, ERR_BAD_SECRET, "invalid bot_id or secret")
            await ws.close()
            return
        previous = self._active
        self._active = ws
        self.subscribes += 1
        if previous is not None and previous is not ws and not previous.closed:
            # The newer connection wins; the older one is told why and closed.
            self.kicks += 1
            await self._push(previous, frames.event_callback(frames.new_req_id("event"), {
                "msgid": self._msgid(), "create_time": int(time.time()), "aibotid": self.bot_id,
                "msgtype": "event", "event": {"eventtype": frames.DISCONNECTED_EVENT,
                                              frames.DISCONNECTED_EVENT: {}}}))
            with contextlib.suppress(Exception):
                await previous.close()
        await self._answer(ws, request.req_id)
        self._subscribed.set()
        held, self._held = self._held, []
        for frame in held:
            await self._push(ws, frame)

    async def _send(self, ws: web.WebSocketResponse, req_id: str, body: dict[str, Any]) -> None:
        chatid = str(body.get("chatid") or "")
        msgtype = body.get("msgtype")
        if not chatid or msgtype not in ("markdown", "template_card", "image", "file", "voice",
                                         "video"):
            await self._answer(ws, req_id, ERR_BAD_REQUEST, "chatid and msgtype required")
            return
        if msgtype == "markdown" and not str(_part(body, "markdown").get("content", "")):
            await self._answer(ws, req_id, ERR_BAD_REQUEST, "empty markdown")
            return
        if msgtype == "image" and str(_part(body, "image").get("media_id")) not in self.uploaded:
            await self._answer(ws, req_id, ERR_BAD_REQUEST, "image.media_id unknown")
            return
        if not self._chat_minute.try_take(chatid):
            self.rate_limited += 1
            await self._answer(ws, req_id, ERR_RATE, "api freq out of limit")
            return
        if not self._chat_hour.try_take(chatid):
            self.rate_limited += 1
            await self._answer(ws, req_id, ERR_RATE, "api freq out of limit (hour)")
            return
        self._post("send", chatid, {k: v for k, v in body.items() if k != "chatid"}, req_id)
        await self._answer(ws, req_id)

    async def _upload(self, ws: web.WebSocketResponse, request: Request,
                      body: dict[str, Any]) -> None:
        """The three steps of a temporary media upload, checked as strictly as we can."""
        rid = request.req_id
        if request.cmd == frames.UPLOAD_INIT:
            chunks = body.get("total_chunks")
            if (not isinstance(chunks, int) or not 1 <= chunks <= frames.UPLOAD_MAX_CHUNKS
                    or body.get("type") not in ("image", "file", "voice", "video")):
                await self._answer(ws, rid, ERR_BAD_REQUEST, "bad upload init")
                return
            upload_id = secrets.token_hex(8)
            self._uploads[upload_id] = {"init": body, "parts": {}}
            await ws.send_str(frames.answer(rid, body={"upload_id": upload_id}))
            return
        upload = self._uploads.get(str(body.get("upload_id")))
        if upload is None:
            await self._answer(ws, rid, ERR_BAD_REQUEST, "unknown upload_id")
            return
        if request.cmd == frames.UPLOAD_CHUNK:
            try:
                part = base64.b64decode(str(body.get("base64_data", "")), validate=True)
            except (binascii.Error, ValueError):
                await self._answer(ws, rid, ERR_BAD_REQUEST, "base64_data invalid")
                return
            if len(part) > frames.UPLOAD_CHUNK_BYTES:
                await self._answer(ws, rid, ERR_BAD_REQUEST, "chunk over 512 KiB")
                return
            upload["parts"][int(body.get("chunk_index", -1))] = part
            await self._answer(ws, rid)
            return
        init, parts = upload["init"], upload["parts"]
        data = b"".join(parts[i] for i in sorted(parts))
        if (sorted(parts) != list(range(init["total_chunks"])) or len(data) != init.get(
                "total_size") or hashlib.md5(data).hexdigest() != init.get("md5")):
            await self._answer(ws, rid, ERR_BAD_REQUEST, "upload incomplete or damaged")
            return
        del self._uploads[str(body.get("upload_id"))]
        media_id = "media-" + secrets.token_hex(8)
        self.uploaded[media_id] = data
        await ws.send_str(frames.answer(rid, body={"media_id": media_id}))

    async def _reply(self, ws: web.WebSocketResponse, request: Request,
                     body: dict[str, Any]) -> None:
        callback = self._callbacks.get(request.req_id)
        now = self._now()
        if request.cmd == frames.RESPOND_UPDATE:
            ok = (callback is not None and callback.kind == "card"
                  and now - callback.at <= self.card_update_window_s and callback.replies == 0)
            if not ok:
                await self._answer(ws, request.req_id, ERR_EXPIRED,
                                   "card update needs a card event req_id within its window")
                return
            callback.replies += 1
            self._post("card_update", callback.chatid, body, request.req_id)
        else:
            ok = (callback is not None and callback.kind == "message"
                  and now - callback.at <= self.reply_window_s)
            if not ok:
                await self._answer(ws, request.req_id, ERR_EXPIRED,
                                   "reply needs a message callback req_id")
                return
            problem = _reply_problem(body)
            if problem:
                await self._answer(ws, request.req_id, ERR_BAD_REQUEST, problem)
                return
            callback.replies += 1
            self._post("reply", callback.chatid, body, request.req_id)
        await self._answer(ws, request.req_id)

    def _post(self, kind: str, chatid: str, body: dict[str, Any], req_id: str = "") -> None:
        chat = self._chats.setdefault(chatid, Chat(chatid))
        chat.posts.append(Posted(kind, chatid, body, self._now(), req_id))

    async def _push(self, ws: web.WebSocketResponse | None, frame: str) -> bool:
        if ws is None or ws.closed:
            return False
        try:
            await ws.send_str(frame)
            return True
        except (ConnectionResetError, RuntimeError):
            return False

    async def _deliver(self, frame: str) -> bool:
        """Push a callback to the subscribed bot, or hold it; False when it was lost."""
        if await self._push(self._active, frame):
            return True
        if self.hold_while_offline:
            self._held.append(frame)
            return True
        return False

    # ------------------------------------------------------------ what users do

    def _msgid(self) -> str:
        return f"local-{next(self._ids)}-{secrets.token_hex(4)}"

    def add_image(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Serve `data`; the URL a message can carry."""
        name = secrets.token_hex(8)
        self._media[name] = (data, content_type)
        return f"{self.base_url}/media/{name}"

    async def say(self, chatid: str, userid: str, text: str = "", *, image: bytes | None = None,
                  image_url: str | None = None, mention_bot: bool = True, group: bool = True,
                  msgid: str | None = None) -> str:
        """A member writes to the bot; in a group with @bot first. Returns the callback's
        req_id. With an image it is a mixed (text + image) message, as WeCom sends them."""
        aeskey: str | None = None
        if image is not None:
            # As the real service: the file is served encrypted, the key rides in the message.
            if self.encrypt_media:
                aeskey = new_aeskey()
                image_url = self.add_image(encrypt_media(image, aeskey),
                                           "application/octet-stream")
            else:
                image_url = self.add_image(image)
        content = f"@{self.bot_name} {text}" if (group and mention_bot) else text
        body: dict[str, Any] = {
            "msgid": msgid or self._msgid(), "aibotid": self.bot_id,
            "chattype": "group" if group else "single", "from": {"userid": userid},
            "create_time": int(time.time()),
        }
        if group:
            body["chatid"] = chatid
        if image_url:
            items: list[dict[str, Any]] = []
            if content:
                items.append({"msgtype": "text", "text": {"content": content}})
            picture: dict[str, Any] = {"url": image_url}
            if aeskey:
                picture["aeskey"] = aeskey
            items.append({"msgtype": "image", "image": picture})
            body.update(msgtype="mixed", mixed={"msg_item": items})
        else:
            body.update(msgtype="text", text={"content": content})
        req_id = frames.new_req_id("callback")
        frame = frames.message_callback(req_id, body)
        self._callbacks[req_id] = _Callback(req_id, chatid, "message", self._now(), frame)
        await self._deliver(frame)
        return req_id

    async def press(self, chatid: str, userid: str, task_id: str, key: str, *,
                    card_type: str = "button_interaction", msgid: str | None = None) -> str:
        """A member presses a card button. Returns the event's req_id."""
        body = {
            "msgid": msgid or self._msgid(), "create_time": int(time.time()),
            "aibotid": self.bot_id, "chatid": chatid, "chattype": "group",
            "from": {"userid": userid}, "msgtype": "event",
            "event": {"eventtype": frames.TEMPLATE_CARD_EVENT,
                      frames.TEMPLATE_CARD_EVENT: {"card_type": card_type, "event_key": key,
                                                   "task_id": task_id}},
        }
        req_id = frames.new_req_id("event")
        frame = frames.event_callback(req_id, body)
        self._callbacks[req_id] = _Callback(req_id, chatid, "card", self._now(), frame)
        await self._deliver(frame)
        return req_id

    async def push_raw(self, text: str) -> bool:
        """Any text to the subscribed bot (malformed frames, unknown kinds)."""
        return await self._push(self._active, text)

    async def repeat(self, req_id: str) -> bool:
        """Push a callback again, as WeCom may (same msgid)."""
        callback = self._callbacks[req_id]
        return await self._deliver(callback.frame)

    # ------------------------------------------------------------ faults

    async def drop(self) -> None:
        """Cut the subscribed connection."""
        if self._active is not None:
            ws, self._active = self._active, None
            self._subscribed.clear()
            await ws.close()

    async def kick(self) -> None:
        """Tell the subscribed connection another took over, and close it."""
        if self._active is not None:
            ws, self._active = self._active, None
            self._subscribed.clear()
            self.kicks += 1
            await self._push(ws, frames.event_callback(frames.new_req_id("event"), {
                "msgid": self._msgid(), "aibotid": self.bot_id, "msgtype": "event",
                "event": {"eventtype": frames.DISCONNECTED_EVENT}}))
            await ws.close()

    def fail_next(self, cmd: str, errcode: int = ERR_RATE, errmsg: str = "api freq out of limit",
                  count: int = 1) -> None:
        self._faults.setdefault(cmd, []).append(_Fault(errcode, errmsg, count))

    def delay_answers(self, seconds: float) -> None:
        self._answer_delay_s = seconds

    def ignore_pings(self, ignore: bool = True) -> None:
        self._ignore_pings = ignore

    # ------------------------------------------------------------ what the bot did

    def chat(self, chatid: str) -> Chat:
        return self._chats.setdefault(chatid, Chat(chatid))

    def robot_messages(self, key: str) -> list[Posted]:
        return self._robots.setdefault(key, [])

    async def wait_posts(self, chatid: str, count: int, kind: str | None = None,
                         within_s: float = 5.0) -> list[Posted]:
        deadline = asyncio.get_running_loop().time() + within_s
        while True:
            posts = self.chat(chatid).posts
            posts = [p for p in posts if kind is None or p.kind == kind]
            if len(posts) >= count:
                return posts
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{chatid}: {len(posts)} of {count} posts")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------ media and robot webhook

    async def _serve_media(self, request: web.Request) -> web.Response:
        item = self._media.get(request.match_info["name"])
        if item is None:
            raise web.HTTPNotFound()
        return web.Response(body=item[0], content_type=item[1])

    def add_robot(self, key: str | None = None) -> str:
        key = key or secrets.token_hex(16)
        self._robots.setdefault(key, [])
        return key

    async def _robot(self, request: web.Request) -> web.Response:
        key = request.query.get("key", "")
        if key not in self._robots:
            return _errjson(93000, "invalid webhook url")
        try:
            body = json.loads(await request.text())
        except ValueError:
            return _errjson(ERR_BAD_REQUEST, "body is not json")
        if not isinstance(body, dict):
            return _errjson(ERR_BAD_REQUEST, "body is not an object")
        problem = _robot_problem(body)
        if problem:
            return _errjson(ERR_BAD_REQUEST, problem)
        if not self._robot_minute.try_take(key):
            self.rate_limited += 1
            return _errjson(ERR_RATE, "api freq out of limit")
        self._robots[key].append(Posted("robot", key, body, self._now()))
        return _errjson(0, "ok")


def _part(body: dict[str, Any], name: str) -> dict[str, Any]:
    value = body.get(name)
    return value if isinstance(value, dict) else {}


def _reply_problem(body: dict[str, Any]) -> str:
    """Replies to a message are stream messages, template cards, or both (document 101031)."""
    msgtype = body.get("msgtype")
    if msgtype not in ("stream", "template_card", "stream_with_template_card"):
        return f"replies cannot be {msgtype!r}"
    if msgtype != "template_card":
        stream = _part(body, "stream")
        if not stream.get("id"):
            return "stream.id required"
        if len(str(stream.get("content", "")).encode()) > 20480:
            return "stream.content over 20480 bytes"
    return ""


def _errjson(errcode: int, errmsg: str) -> web.Response:
    return web.json_response({"errcode": errcode, "errmsg": errmsg})


def _robot_problem(body: dict[str, Any]) -> str:
    msgtype = body.get("msgtype")
    if msgtype == "text":
        content = _part(body, "text").get("content")
        if not isinstance(content, str) or not content:
            return "text.content required"
        if len(content.encode()) > 2048:
            return "text.content over 2048 bytes"
        mentioned = _part(body, "text").get("mentioned_list", [])
        if not isinstance(mentioned, list) or not all(isinstance(m, str) for m in mentioned):
            return "mentioned_list must be a list of userids"
        return ""
    if msgtype == "markdown":
        content = _part(body, "markdown").get("content")
        if not isinstance(content, str) or not content:
            return "markdown.content required"
        return "markdown.content over 4096 bytes" if len(content.encode()) > 4096 else ""
    if msgtype == "image":
        image = _part(body, "image")
        try:
            data = base64.b64decode(str(image.get("base64", "")), validate=True)
        except (binascii.Error, ValueError):
            return "image.base64 invalid"
        if not data:
            return "image.base64 required"
        if len(data) > 2 * 1024 * 1024:
            return "image over 2 MB"
        if hashlib.md5(data).hexdigest() != image.get("md5"):
            return "image.md5 does not match"
        return ""
    if msgtype == "news":
        articles = _part(body, "news").get("articles")
        if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
            return "news needs 1..8 articles"
        if not all(isinstance(a, dict) and a.get("title") and a.get("url") for a in articles):
            return "every article needs title and url"
        return ""
    return f"unsupported msgtype {msgtype!r}"
