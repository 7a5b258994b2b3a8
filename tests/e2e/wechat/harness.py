"""The whole bot serving a WeChat service account (riders) and Telegram (the road crew), over
real HTTP against the local WeChat and Bot API servers, on a fake business clock.

The local WeChat server pushes signed, encrypted callbacks to the bot's listener and serves
the token, customer-service, template and media calls the bot makes; it keeps each
follower's budget of customer-service messages as WeChat does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import App
from bot.localwechat import LocalWeChat
from bot.localwechat.state import Received
from domain.clock import FakeClock
from tests.e2e.harness import Harness

LISTEN = "127.0.0.1:0"
TEMPLATE_ID = "TPL_TICKET_PROGRESS"
TEMPLATE_KEYS = ("character_string1", "thing2", "thing3", "time4")
RIDER = "oRider0000000000000000000001"
RIDER_2 = "oRider0000000000000000000002"
STAFF = "oStaffZhang00000000000000001"
STRANGER = "oStranger0000000000000000001"


class WeChatHarness(Harness):
    def __init__(self, database_url: str, tmp_path: Path, clock: FakeClock, *,
                 wechat: dict[str, Any] | None = None, push_retry_interval_s: float = 1.0,
                 **sections: Any) -> None:
        # WeChat spreads its three retries over seconds: a bot back within them gets the push.
        self.wx = LocalWeChat(clock=clock, safe_mode=True,
                              push_retry_interval_s=push_retry_interval_s)
        self.wx.add_template(TEMPLATE_ID, TEMPLATE_KEYS)
        sections["wechat"] = {
            "app_id": self.wx.app_id, "app_secret": SecretStr(self.wx.app_secret),
            "token": SecretStr(self.wx.token),
            "encoding_aes_key": SecretStr(self.wx.encoding_aes_key),
            "listen": LISTEN, "path": "/wechat", "per_user_interval_s": 0.0,
            "template": _template(), **(wechat or {})}
        super().__init__(database_url, tmp_path, clock, **sections)

    async def start(self, before_bot: Any = None) -> WeChatHarness:
        await self.wx.start()
        self.sections["wechat"]["api_base_url"] = self.wx.base_url
        await super().start(before_bot)
        return self

    async def start_bot(self, **options: Any) -> App:
        app = await super().start_bot(**options)
        listen = self.settings.wechat.listen
        port = app.http.port_of(listen)
        if listen == LISTEN:
            # A restarted bot listens where WeChat pushes to: the same port from now on.
            wechat = self.settings.wechat.model_copy(update={"listen": f"127.0.0.1:{port}"})
            self.settings = self.settings.model_copy(update={"wechat": wechat})
        self.wx.bot_url = f"http://127.0.0.1:{port}/wechat"
        return app

    async def stop(self) -> None:
        await super().stop()
        await self.wx.stop()

    async def settle(self, within: float = 30.0) -> None:
        # WeChat's pushes are answered only once stored: nothing waits outside the bot.
        assert self.app is not None
        await self.server.wait_for_no_pending_updates(within=within)
        await self.app.idle(within)

    def received(self, openid: str) -> list[Received]:
        return self.wx.user(openid).received()

    def texts_to(self, openid: str) -> list[str]:
        """What the follower read: customer-service texts and template messages alike."""
        return [text_of(r) for r in self.received(openid)]


def _template() -> Any:
    from bot.settings_wechat import TemplateSection

    return TemplateSection(id=TEMPLATE_ID)


def text_of(received: Received) -> str:
    if received.text:
        return received.text
    data = received.body.get("data") or {}
    return " ".join(str(v.get("value", "")) for v in data.values() if isinstance(v, dict))
