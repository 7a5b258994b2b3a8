"""`LocalWeChat`: the server, and `WeChatUser`: one follower driven by a test."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.wechat import budget
from bot.wechat.crypto import MessageCrypto, sha1_signature
from bot.wechat.datum import wgs84_to_wechat
from domain.clock import Clock, SystemClock

from .api import Routes
from .faults import Faults
from .push import PUSH_RETRIES, PUSH_TIMEOUT_S, Pusher, PushResult
from .state import Received, World

DEFAULT_AES_KEY = base64.b64encode(b"liaison-local-wechat-aes-key-32b").decode().rstrip("=")


class LocalWeChat:
    def __init__(
        self,
        *,
        bot_url: str | None = None,
        app_id: str = "wx0000000000local",
        app_secret: str = "local-app-secret",
        token: str = "liaisonlocaltoken",
        encoding_aes_key: str = DEFAULT_AES_KEY,
        account: str = "gh_local_liaison",
        safe_mode: bool = True,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        push_timeout_s: float = PUSH_TIMEOUT_S,
        push_retries: int = PUSH_RETRIES,
        per_minute_limit: int = 0,
        push_retry_interval_s: float = 0.0,
    ) -> None:
        self.bot_url = bot_url
        self.app_id = app_id
        self.app_secret = app_secret
        self.account = account
        self.clock = clock or SystemClock()
        self.crypto = MessageCrypto(token, encoding_aes_key, app_id)
        self.safe_mode = safe_mode
        self.host = host
        self._port = port
        self.push_timeout_s = push_timeout_s
        self.push_retries = push_retries
        self.per_minute_limit = per_minute_limit
        self.push_retry_interval_s = push_retry_interval_s
        self.world = World()
        self.faults = Faults()
        self.pushes: list[PushResult] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._pusher: Pusher | None = None

    @property
    def token(self) -> str:
        return self.crypto.token

    @property
    def encoding_aes_key(self) -> str:
        return self.crypto.encoding_aes_key

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        Routes(self).install(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        server = site._server
        if server is not None and getattr(server, "sockets", None):
            self._port = server.sockets[0].getsockname()[1]
        self._session = aiohttp.ClientSession()
        self._pusher = Pusher(self._session, self.crypto, safe_mode=self.safe_mode,
                              timeout_s=self.push_timeout_s, retries=self.push_retries,
                              retry_interval_s=self.push_retry_interval_s)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> LocalWeChat:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    async def verify_url(self) -> bool:
        """What the platform's "submit" does: a signed GET with an `echostr` that the bot must
        send back unchanged."""
        if self._session is None or not self.bot_url:
            raise RuntimeError("the local WeChat server is not started or has no bot_url")
        timestamp = str(int(self.clock.now().timestamp()))
        nonce, echostr = str(secrets.randbelow(10**9)), str(secrets.randbelow(10**18))
        params = {"signature": sha1_signature(self.token, timestamp, nonce),
                  "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
        try:
            async with self._session.get(self.bot_url, params=params,
                                         timeout=aiohttp.ClientTimeout(
                                             total=self.push_timeout_s)) as resp:
                return resp.status == 200 and (await resp.text()) == echostr
        except (TimeoutError, aiohttp.ClientError):
            return False

    # -- the account -----------------------------------------------------------------------

    def user(self, openid: str, *, subscribed: bool = True) -> WeChatUser:
        follower = self.world.follower(openid)
        follower.subscribed = follower.subscribed and subscribed
        return WeChatUser(self, openid)

    def add_template(self, template_id: str, keys: Iterable[str]) -> None:
        self.world.templates[template_id] = tuple(keys)

    @property
    def menu(self) -> dict[str, Any] | None:
        return self.world.menu

    def expire_token(self) -> None:
        """The access token times out now: the next call with it gets 42001."""
        self.world.tokens.expire(self.clock.now())

    def revoke_token(self) -> None:
        """The access token is replaced elsewhere: the next call with it gets 40001."""
        self.world.tokens.revoke()

    @property
    def tokens_issued(self) -> int:
        return self.world.tokens.issued

    def menu_keys(self) -> set[str]:
        keys: set[str] = set()
        for button in (self.world.menu or {}).get("button", []):
            for b in [button, *button.get("sub_button", [])]:
                if b.get("key"):
                    keys.add(b["key"])
        return keys

    async def push(self, openid: str, fields: dict[str, str | int | float], *,
                   extra_copies: int = 0) -> PushResult:
        """Open the grant this push gives, then deliver it to the bot."""
        if self._pusher is None:
            raise RuntimeError("the local WeChat server is not started")
        if not self.bot_url:
            raise RuntimeError("no bot_url configured")
        follower = self.world.follower(openid)
        now = self.clock.now()
        trigger = budget.trigger_of(str(fields["MsgType"]), str(fields.get("Event", "")))
        if trigger is not None:
            follower.budget = budget.open_grant(follower.budget, trigger, now)
        timestamp = str(int(now.timestamp()))
        result = await self._pusher.push(self.bot_url, fields, timestamp,
                                         extra_copies=extra_copies)
        self.pushes.append(result)
        if result.reply is not None:
            follower.received.append(Received("passive", "xml", {"xml": result.reply}, now))
        elif result.reply_error is not None:
            follower.received.append(Received("error", "service_unavailable",
                                              {"error": result.reply_error}, now))
        return result


class WeChatUser:
    """A follower of the account; each action is one push to the bot."""

    def __init__(self, server: LocalWeChat, openid: str) -> None:
        self.server = server
        self.openid = openid

    def _head(self, msg_type: str) -> dict[str, str | int | float]:
        return {"ToUserName": self.server.account, "FromUserName": self.openid,
                "CreateTime": int(self.server.clock.now().timestamp()), "MsgType": msg_type}

    async def _message(self, msg_type: str, body: dict[str, str | int | float],
                       extra_copies: int) -> PushResult:
        fields = {**self._head(msg_type), **body, "MsgId": self.server.world.next_msg_id()}
        return await self.server.push(self.openid, fields, extra_copies=extra_copies)

    async def send_text(self, text: str, *, extra_copies: int = 0) -> PushResult:
        return await self._message("text", {"Content": text}, extra_copies)

    async def send_image(self, data: bytes, content_type: str = "image/jpeg", *,
                         extra_copies: int = 0) -> PushResult:
        now = self.server.clock.now()
        media_id = self.server.world.new_media(data, content_type, now)
        return await self._message("image", {
            "PicUrl": f"{self.server.base_url}/_pic/{media_id}", "MediaId": media_id},
            extra_copies)

    async def send_location(self, lat: float, lon: float, label: str = "", *, scale: int = 15,
                            datum: str = "wgs84", extra_copies: int = 0) -> PushResult:
        """Pick a place (+ → 位置). A WGS-84 position is shifted to GCJ-02, as WeChat's map
        reports it in mainland China; pass datum="gcj02" to send the numbers as they are."""
        if datum == "wgs84":
            lat, lon = wgs84_to_wechat(lat, lon)
        return await self._message("location", {
            "Location_X": round(lat, 6), "Location_Y": round(lon, 6), "Scale": scale,
            "Label": label}, extra_copies)

    async def tap_menu_item(self, item_id: str, *, extra_copies: int = 0) -> PushResult:
        """Tap a line of the last click menu (msgmenu) the account sent: WeChat sends the
        line's text back with bizmsgmenuid."""
        for received in reversed(self.received()):
            if received.kind != "msgmenu":
                continue
            for item in received.body.get("list", []):
                if str(item.get("id")) == item_id:
                    return await self._message("text", {"Content": item["content"],
                                                        "bizmsgmenuid": item_id}, extra_copies)
        raise ValueError(f"no click menu with item {item_id!r} was sent to {self.openid}")

    async def _event(self, event: str, body: dict[str, str | int | float],
                     extra_copies: int) -> PushResult:
        fields = {**self._head("event"), "Event": event, **body}
        return await self.server.push(self.openid, fields, extra_copies=extra_copies)

    async def report_location(self, lat: float, lon: float, precision: float = 30.0, *,
                              datum: str = "wgs84", extra_copies: int = 0) -> PushResult:
        """The LOCATION event (the user allowed the account to see their position)."""
        if datum == "wgs84":
            lat, lon = wgs84_to_wechat(lat, lon)
        return await self._event("LOCATION", {"Latitude": round(lat, 6),
                                              "Longitude": round(lon, 6),
                                              "Precision": precision}, extra_copies)

    async def click(self, key: str, *, extra_copies: int = 0) -> PushResult:
        keys = self.server.menu_keys()
        if keys and key not in keys:
            raise ValueError(f"the account's menu has no key {key!r}")
        return await self._event("CLICK", {"EventKey": key}, extra_copies)

    async def subscribe(self, scene: str | None = None) -> PushResult:
        self.server.world.follower(self.openid).subscribed = True
        body: dict[str, str | int | float] = {}
        if scene is not None:
            body = {"EventKey": f"qrscene_{scene}", "Ticket": "LOCALTICKET"}
        return await self._event("subscribe", body, 0)

    async def scan(self, scene: str) -> PushResult:
        return await self._event("SCAN", {"EventKey": scene, "Ticket": "LOCALTICKET"}, 0)

    async def unsubscribe(self) -> PushResult:
        self.server.world.follower(self.openid).subscribed = False
        return await self._event("unsubscribe", {}, 0)

    def received(self) -> list[Received]:
        """Everything the account sent this user, oldest first."""
        return list(self.server.world.follower(self.openid).received)

    def texts(self) -> list[str]:
        return [r.text for r in self.received() if r.text]

    async def wait_received(self, count: int, timeout_s: float = 5.0) -> list[Received]:
        """Wait (real time) until the user has received at least `count` messages."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while len(self.received()) < count:
            if loop.time() > deadline:
                raise TimeoutError(f"{self.openid} received {len(self.received())} of {count}")
            await asyncio.sleep(0.01)
        return self.received()
