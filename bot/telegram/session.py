"""aiogram's HTTP session, closed without a pause when the Bot API server speaks plain HTTP."""

from __future__ import annotations

from aiogram.client.session.aiohttp import AiohttpSession


class BotSession(AiohttpSession):
    """On close aiogram waits a quarter of a second for TLS connections to finish closing
    (aiohttp's graceful-shutdown advice). A plain-HTTP server (a local Bot API server, the
    sandbox, the tests' server) has no TLS connections, so there is nothing to wait for; an
    HTTPS server (Telegram itself) keeps aiogram's pause."""

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()
            return
        # aiogram keeps its aiohttp session here; closing it is all `super().close` does
        # before its pause.
        if self._session is not None and not self._session.closed:
            await self._session.close()
