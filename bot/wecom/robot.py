"""The group robot (群机器人) webhook: send-only, one group per key, 20 messages a minute.

POST {base}/cgi-bin/webhook/send?key=KEY with a JSON body (document/path/91770):
- text: `content` ≤ 2048 bytes, `mentioned_list` of userids ("@all" for everyone);
- markdown: `content` ≤ 4096 bytes, mentions as `<@userid>`;
- image: `base64` of the file and `md5` of the file (before base64), ≤ 2 MB, JPG or PNG;
- news: 1..8 articles (title, description, url, picurl).
The answer is `{"errcode": 0, "errmsg": "ok"}`; 45009 means over the rate limit.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from messaging.port import PermanentFailure, TransientFailure

from .client import raise_for
from .frames import Answer
from .mentions import text_mentioned_list
from .pace import WECOM_PACE, PaceTable

log = logging.getLogger(__name__)

PUBLIC_BASE = "https://qyapi.weixin.qq.com"
TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 4096
IMAGE_MAX_BYTES = 2 * 1024 * 1024
NEWS_MAX = 8


@dataclass(frozen=True)
class Article:
    title: str
    url: str
    description: str = ""
    picurl: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"title": self.title, "url": self.url}
        if self.description:
            data["description"] = self.description
        if self.picurl:
            data["picurl"] = self.picurl
        return data


def _fits(text: str, limit: int, what: str) -> None:
    if len(text.encode("utf-8")) > limit:
        raise PermanentFailure(f"{what} longer than {limit} bytes")


def text_body(content: str, mention: list[str] | tuple[str, ...] = (), everyone: bool = False
              ) -> dict[str, Any]:
    _fits(content, TEXT_MAX_BYTES, "text")
    text: dict[str, Any] = {"content": content}
    mentioned = text_mentioned_list(list(mention), everyone)
    if mentioned:
        text["mentioned_list"] = mentioned
    return {"msgtype": "text", "text": text}


def markdown_body(content: str) -> dict[str, Any]:
    _fits(content, MARKDOWN_MAX_BYTES, "markdown")
    return {"msgtype": "markdown", "markdown": {"content": content}}


def image_body(data: bytes) -> dict[str, Any]:
    if len(data) > IMAGE_MAX_BYTES:
        raise PermanentFailure(f"image larger than {IMAGE_MAX_BYTES} bytes")
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise PermanentFailure("image must be JPG or PNG")
    return {"msgtype": "image", "image": {"base64": base64.b64encode(data).decode("ascii"),
                                          "md5": hashlib.md5(data).hexdigest()}}


def news_body(articles: list[Article]) -> dict[str, Any]:
    if not 1 <= len(articles) <= NEWS_MAX:
        raise PermanentFailure(f"news needs 1..{NEWS_MAX} articles")
    return {"msgtype": "news", "news": {"articles": [a.to_json() for a in articles]}}


class RobotWebhook:
    """Posts to one group's robot. Pacing is the caller's (the outbox, with `pace`); this
    only turns WeCom's answers into the messaging port's errors."""

    def __init__(self, key: str, *, base_url: str = PUBLIC_BASE,
                 session: aiohttp.ClientSession | None = None, timeout_s: float = 10.0,
                 pace: PaceTable = WECOM_PACE) -> None:
        if not key:
            raise ValueError("a robot webhook needs its key")
        self._key = key
        self._url = f"{base_url.rstrip('/')}/cgi-bin/webhook/send"
        self._session = session
        self._own = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._pace = pace

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, body: dict[str, Any]) -> Answer:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(self._url, params={"key": self._key}, json=body,
                                          timeout=self._timeout) as response:
                if response.status >= 500:
                    raise TransientFailure(f"robot webhook HTTP {response.status}")
                if response.status != 200:
                    raise PermanentFailure(f"robot webhook HTTP {response.status}")
                try:
                    data = json.loads(await response.text())
                except ValueError as error:
                    raise TransientFailure("robot webhook answered no JSON") from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientFailure(f"robot webhook unreachable: {error}") from error
        errcode = data.get("errcode", 0) if isinstance(data, dict) else -1
        answer = Answer("", int(errcode) if isinstance(errcode, int) else -1,
                        str(data.get("errmsg", "")) if isinstance(data, dict) else "")
        return raise_for(answer, self._pace)

    async def send_text(self, content: str, mention: list[str] | tuple[str, ...] = (),
                        everyone: bool = False) -> Answer:
        return await self.post(text_body(content, mention, everyone))

    async def send_markdown(self, content: str) -> Answer:
        return await self.post(markdown_body(content))

    async def send_image(self, data: bytes) -> Answer:
        return await self.post(image_body(data))

    async def send_news(self, articles: list[Article]) -> Answer:
        return await self.post(news_body(articles))
