"""A bare callback endpoint built from bot.wechat, standing in for the adapter until it is
wired: it checks, decrypts and parses each push the way the adapter will, and records it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.wechat.crypto import CallbackError, MessageCrypto, check_fresh, check_signature
from bot.wechat.xml import BadXml, Push, parse_envelope, parse_push, render_reply_envelope
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
        q = request.query
        if not check_signature(self.crypto.token, q.get("timestamp", ""), q.get("nonce", ""),
                               q.get("signature")):
            return web.Response(status=401)
        return web.Response(text=q.get("echostr", ""))

    async def receive(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        body = await request.read()
        # A slow bot: it has the push, but answers after WeChat stopped waiting.
        delay = self.delays.pop(0) if self.delays else 0.0
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        try:
            check_fresh(timestamp, self.clock.now())
            if self.safe_mode:
                envelope = parse_envelope(body)
                body = self.crypto.open_push(envelope.encrypt, timestamp, nonce,
                                             q.get("msg_signature"))
            elif not check_signature(self.crypto.token, timestamp, nonce, q.get("signature")):
                raise CallbackError("bad signature")
            push = parse_push(body)
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
