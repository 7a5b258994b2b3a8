"""A bare callback endpoint built from bot.wechat, standing in for the adapter until it is
wired: it checks, decrypts and parses each push the way the adapter will, and records it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.wechat.callback import open_callback, verify_url
from bot.wechat.crypto import CallbackError, MessageCrypto
from bot.wechat.xml import BadXml, Push, render_reply_envelope
from domain.clock import Clock


@dataclass
class Receiver:
    crypto: MessageCrypto
    clock: Clock
    safe_mode: bool = True
    pushes: list[Push] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)  # per attempt, consumed in order
    reply: Callable[[Push], str | None] | None = None
    raw_reply: str | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/wechat", self.verify)
        app.router.add_post("/wechat", self.receive)
        return app

    async def verify(self, request: web.Request) -> web.StreamResponse:
        try:
            return web.Response(text=verify_url(request.query, self.crypto.token))
        except CallbackError:
            return web.Response(status=401)

    async def receive(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        body = await request.read()
        # A slow bot: it has the push, but answers after WeChat stopped waiting.
        delay = self.delays.pop(0) if self.delays else 0.0
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        try:
            push = open_callback(q, body, self.crypto, self.clock.now(),
                                 require_encryption=self.safe_mode)
        except CallbackError as exc:
            self.refused.append(type(exc).__name__)
            return web.Response(status=401)
        except BadXml as exc:
            self.refused.append(type(exc).__name__)
            return web.Response(status=400)
        self.pushes.append(push)
        if delay:
            await asyncio.sleep(delay)
        if self.raw_reply is not None:
            return web.Response(text=self.raw_reply)
        answer = self.reply(push) if self.reply else None
        if answer is None:
            return web.Response(text="success")
        sealed = self.crypto.seal_reply(answer.encode(), timestamp, nonce)
        return web.Response(text=render_reply_envelope(sealed))
