"""The service account's server API over aiohttp: token, customer-service and template
messages, media and the menu.

Every call goes to ``{base_url}/cgi-bin/...?access_token=…``; `base_url` is
https://api.weixin.qq.com in production and the local server's address in tests. Errors come
out as the delivery port's errors (`errors.error_for`); a token error refreshes the token
and retries the call once. Idempotent calls (media download, upload, menu, token) also retry
transient failures with backoff; sends do not, because a timed-out send may have arrived:
the outbox decides.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from domain.clock import Clock, SystemClock
from messaging.port import PermanentFailure, TransientFailure

from .errors import MediaTooLarge, TokenExpired, WeChatRefused, error_for
from .tokens import AccessToken, MemoryTokenStore, TokenStore

log = logging.getLogger(__name__)

PRODUCTION_BASE_URL = "https://api.weixin.qq.com"
# 新增临时素材: the page says both "图片2MB" and "图片(image): 10M"; keep to the smaller.
IMAGE_UPLOAD_LIMIT = 2 * 1024 * 1024


@dataclass(frozen=True)
class MenuItem:
    """One line of a customer-service click menu (msgmenu): tapping it sends `content` back
    as the user's text, with `id` as ``bizmsgmenuid``."""

    id: str
    content: str


@dataclass(frozen=True)
class Media:
    data: bytes
    content_type: str


class WeChatApi:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        app_id: str,
        app_secret: str,
        *,
        base_url: str = PRODUCTION_BASE_URL,
        clock: Clock | None = None,
        tokens: TokenStore | None = None,
        refresh_margin: timedelta = timedelta(minutes=5),
        timeout_s: float = 10.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._session = session
        self.app_id = app_id
        self._secret = app_secret
        self.base_url = base_url.rstrip("/")
        self._clock = clock or SystemClock()
        self._tokens = tokens or MemoryTokenStore()
        self._margin = refresh_margin
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._attempts = max(1, attempts)
        self._backoff = backoff_s
        # Backoff between network retries is wall time, not the domain clock: a fake clock
        # in tests stands still and must not stall the client.
        self._sleep = sleep
        self._refreshing = asyncio.Lock()

    def __repr__(self) -> str:  # the secret stays out of every log line and traceback
        return f"WeChatApi(app_id={self.app_id!r}, base_url={self.base_url!r})"

    # -- token ---------------------------------------------------------------------------

    async def access_token(self, *, rejected: str | None = None) -> str:
        """A token good for a while. `rejected`: the token WeChat just refused; if the
        shared store still holds it, get a new one (forcing WeChat to if it hands the
        same one back)."""
        now = self._clock.now()
        token = await self._tokens.load()
        if token and token.value != rejected and token.fresh(now, self._margin):
            return token.value
        async with self._refreshing:
            token = await self._tokens.load()  # another task may have refreshed meanwhile
            if token and token.value != rejected and token.fresh(now, self._margin):
                return token.value
            token = await self._fetch_token(force=False)
            if rejected is not None and token.value == rejected:
                token = await self._fetch_token(force=True)
            await self._tokens.save(token)
            return token.value

    async def _fetch_token(self, *, force: bool) -> AccessToken:
        body = {"grant_type": "client_credential", "appid": self.app_id,
                "secret": self._secret, "force_refresh": force}
        try:
            answer = await self._with_retries(
                lambda: self._post_json("/cgi-bin/stable_token", body, token=None))
        except TokenExpired as exc:
            # From stable_token itself 40001 means the AppSecret is wrong: no retry mends it.
            raise WeChatRefused(exc.errcode, "AppID or AppSecret refused") from exc
        if "access_token" not in answer:
            raise PermanentFailure("stable_token answered without a token")
        expires = int(answer.get("expires_in", 7200))
        log.info("wechat access token refreshed (force=%s, expires_in=%ss)", force, expires)
        return AccessToken(answer["access_token"],
                           self._clock.now() + timedelta(seconds=expires))

    # -- transport -----------------------------------------------------------------------

    async def _post_json(self, path: str, body: Mapping[str, Any],
                         token: str | None) -> dict[str, Any]:
        params = {"access_token": token} if token is not None else {}
        data = json.dumps(body, ensure_ascii=False).encode()
        return await self._request("POST", path, params=params, data=data,
                                   headers={"Content-Type": "application/json"})

    async def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            async with self._session.request(method, self.base_url + path,
                                             timeout=self._timeout, **kwargs) as resp:
                if resp.status >= 500:
                    raise TransientFailure(f"{path}: HTTP {resp.status}")
                if resp.status >= 400:
                    raise PermanentFailure(f"{path}: HTTP {resp.status}")
                answer = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientFailure(f"{path}: {exc.__class__.__name__}") from exc
        except ValueError as exc:
            raise TransientFailure(f"{path}: answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise TransientFailure(f"{path}: answer is not an object")
        error = error_for(int(answer.get("errcode", 0) or 0), str(answer.get("errmsg", "")))
        if error is not None:
            raise error
        return answer

    async def _with_retries(self, call: Any) -> Any:
        for attempt in range(1, self._attempts + 1):
            try:
                return await call()
            except TokenExpired:
                raise
            except TransientFailure as exc:
                if attempt == self._attempts:
                    raise
                log.warning("wechat call failed (%s), attempt %d of %d", exc, attempt,
                            self._attempts)
                await self._sleep(self._backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    async def _authorized(self, call: Any) -> Any:
        """Run `call(token)`; on a token error refresh once and run it again."""
        token = await self.access_token()
        try:
            return await call(token)
        except TokenExpired as exc:
            log.info("wechat token refused (%s); refreshing", exc.errcode)
            token = await self.access_token(rejected=token)
            return await call(token)

    # -- messages ------------------------------------------------------------------------

    async def send_custom(self, message: Mapping[str, Any]) -> None:
        """POST cgi-bin/message/custom/send with a ready message body."""
        await self._authorized(
            lambda t: self._post_json("/cgi-bin/message/custom/send", message, t))

    async def send_text(self, openid: str, text: str) -> None:
        await self.send_custom({"touser": openid, "msgtype": "text", "text": {"content": text}})

    async def send_image(self, openid: str, media_id: str) -> None:
        await self.send_custom({"touser": openid, "msgtype": "image",
                                "image": {"media_id": media_id}})

    async def send_menu(self, openid: str, head: str, items: Sequence[MenuItem],
                        tail: str = "") -> None:
        """A click menu inside the chat; a tap comes back as a text push with
        `TextPush.menu_item_id` set."""
        await self.send_custom({
            "touser": openid, "msgtype": "msgmenu",
            "msgmenu": {"head_content": head, "tail_content": tail,
                        "list": [{"id": i.id, "content": i.content} for i in items]}})

    async def send_template(self, openid: str, template_id: str, data: Mapping[str, str],
                            url: str | None = None) -> int:
        """A template message (no 48 h window); returns its msgid."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": {k: {"value": v} for k, v in data.items()}}
        if url:
            body["url"] = url
        answer = await self._authorized(
            lambda t: self._post_json("/cgi-bin/message/template/send", body, t))
        return int(answer.get("msgid", 0))

    # -- media and menu ------------------------------------------------------------------

    async def get_media(self, media_id: str) -> Media:
        """A temporary media file (kept 3 days by WeChat), by MediaId."""

        async def fetch(token: str) -> Media:
            params = {"access_token": token, "media_id": media_id}
            try:
                async with self._session.get(self.base_url + "/cgi-bin/media/get",
                                             params=params, timeout=self._timeout) as resp:
                    if resp.status >= 500:
                        raise TransientFailure(f"media/get: HTTP {resp.status}")
                    kind = resp.content_type or ""
                    body = await resp.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TransientFailure(f"media/get: {exc.__class__.__name__}") from exc
            if kind in ("application/json", "text/plain"):
                try:
                    answer = json.loads(body)
                except ValueError as exc:
                    raise TransientFailure("media/get: broken answer") from exc
                error = error_for(int(answer.get("errcode", -1)), str(answer.get("errmsg", "")))
                raise error or PermanentFailure("media/get answered JSON without a file")
            return Media(body, kind)

        return await self._with_retries(lambda: self._authorized(fetch))

    async def upload_image(self, data: bytes, filename: str = "photo.jpg",
                           content_type: str = "image/jpeg") -> str:
        """Upload a temporary image (media/upload, type=image); returns its media_id."""
        if len(data) > IMAGE_UPLOAD_LIMIT:
            raise MediaTooLarge(f"image of {len(data)} bytes is over {IMAGE_UPLOAD_LIMIT}")

        async def upload(token: str) -> dict[str, Any]:
            form = aiohttp.FormData()
            form.add_field("media", data, filename=filename, content_type=content_type)
            return await self._request("POST", "/cgi-bin/media/upload",
                                       params={"access_token": token, "type": "image"},
                                       data=form)

        answer = await self._with_retries(lambda: self._authorized(upload))
        return str(answer["media_id"])

    async def create_menu(self, menu: Mapping[str, Any]) -> None:
        """Replace the account's menu (cgi-bin/menu/create) with `menu` ({"button": [...]})."""
        await self._with_retries(lambda: self._authorized(
            lambda t: self._post_json("/cgi-bin/menu/create", menu, t)))
