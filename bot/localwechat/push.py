"""Pushing a user's message to the bot as WeChat does.

A POST to the configured URL with ``signature``, ``timestamp``, ``nonce`` and ``openid`` in
the query; in safe mode also ``encrypt_type=aes`` and ``msg_signature``, and the body is the
envelope (ToUserName + Encrypt). When no answer comes within five seconds WeChat drops the
connection and tries again, three more times (接收普通消息). An answer of "" or "success" is
taken as done; anything else must be a (sealed, in safe mode) passive reply, or the user sees
"该公众号暂时无法提供服务".
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp

from bot.wechat.crypto import CallbackError, MessageCrypto, sha1_signature
from bot.wechat.xml import BadXml, parse_reply_envelope, render, render_envelope

log = logging.getLogger(__name__)

PUSH_TIMEOUT_S = 5.0
PUSH_RETRIES = 3


@dataclass
class PushResult:
    """How one push went: every attempt's HTTP status (None: no answer in time)."""

    statuses: list[int | None] = field(default_factory=list)
    reply: str | None = None  # the passive reply's XML, decrypted
    reply_error: str | None = None
    fields: dict[str, str | int | float] = field(default_factory=dict)

    @property
    def attempts(self) -> int:
        return len(self.statuses)

    @property
    def status(self) -> int | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def delivered(self) -> bool:
        return self.status == 200


class Pusher:
    def __init__(self, session: aiohttp.ClientSession, crypto: MessageCrypto, *,
                 safe_mode: bool, timeout_s: float = PUSH_TIMEOUT_S,
                 retries: int = PUSH_RETRIES, retry_interval_s: float = 0.0) -> None:
        self._session = session
        self._crypto = crypto
        self.safe_mode = safe_mode
        self.timeout_s = timeout_s
        self.retries = retries
        # Real time between a failed attempt and the next (a refused connection fails at
        # once; WeChat still spreads its retries over seconds, which a restarting bot uses).
        self.retry_interval_s = retry_interval_s

    def request(self, fields: Mapping[str, str | int | float], timestamp: str,
                nonce: str) -> tuple[dict[str, str], str]:
        """The query and body of one push, signed (and sealed in safe mode)."""
        plain = render(fields)
        token = self._crypto.token
        query = {"signature": sha1_signature(token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": str(fields["FromUserName"])}
        if not self.safe_mode:
            return query, plain
        encrypt = self._crypto.encrypt(plain.encode())
        query["encrypt_type"] = "aes"
        query["msg_signature"] = self._crypto.sign(timestamp, nonce, encrypt)
        return query, render_envelope(str(fields["ToUserName"]), encrypt)

    async def push(self, url: str, fields: Mapping[str, str | int | float], timestamp: str,
                   *, extra_copies: int = 0) -> PushResult:
        """Deliver one push, retrying as WeChat does. `extra_copies`: send it again that many
        times even though it was answered (a lost answer seen from WeChat's side)."""
        result = PushResult(fields=dict(fields))
        nonce = str(secrets.randbelow(10**9))
        query, body = self.request(fields, timestamp, nonce)
        answered = 0
        for _ in range(1 + self.retries + extra_copies):
            status, text = await self._attempt(url, query, body)
            result.statuses.append(status)
            if status is None:
                if result.attempts > self.retries and answered == 0:
                    break  # the first try and three retries: WeChat gives up
                if self.retry_interval_s:
                    await asyncio.sleep(self.retry_interval_s)
                continue
            answered += 1
            self._read_reply(text, result)
            if answered > extra_copies:
                break
        return result

    async def _attempt(self, url: str, query: dict[str, str],
                       body: str) -> tuple[int | None, str]:
        try:
            async with self._session.post(
                    url, params=query, data=body.encode(),
                    headers={"Content-Type": "text/xml"},
                    timeout=aiohttp.ClientTimeout(total=self.timeout_s)) as resp:
                return resp.status, await resp.text()
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.info("push to the bot got no answer: %s", exc.__class__.__name__)
            return None, ""

    def _read_reply(self, text: str, result: PushResult) -> None:
        text = text.strip()
        if text in ("", "success"):
            return
        try:
            if not self.safe_mode:
                result.reply = text
                return
            envelope = parse_reply_envelope(text)
            if envelope.msg_signature != self._crypto.sign(envelope.timestamp, envelope.nonce,
                                                           envelope.encrypt):
                raise CallbackError("reply msg_signature does not match")
            result.reply = self._crypto.decrypt(envelope.encrypt).decode()
        except (BadXml, CallbackError, UnicodeError) as exc:
            result.reply_error = f"{exc.__class__.__name__}: {exc}"
