"""The access token: fetched once through stable_token and shared through the database;
refreshed and the call repeated when WeChat says it expired (42001) or was replaced (40001)."""

from __future__ import annotations

from tests.e2e.harness import DONGHU, ROADS_CHAT, ROADS_STAFF

from .harness import RIDER
from .helpers import report


async def test_token_expiry_mid_run_loses_nothing(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    issued = wechat.wx.tokens_issued
    assert issued == 1

    wechat.wx.expire_token()
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, "/ack 1")
    await wechat.settle()
    assert wechat.wx.tokens_issued == issued + 1
    assert "已受理" in wechat.received(RIDER)[-1].text

    wechat.wx.revoke_token()
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, "/progress 1 在处理")
    await wechat.settle()
    assert wechat.wx.tokens_issued == issued + 2
    assert "处理中" in wechat.received(RIDER)[-1].text
    codes = [code for path, code in wechat.wx.world.calls if path.endswith("custom/send")]
    assert 42001 in codes and 40001 in codes


async def test_a_restarted_bot_uses_the_stored_token(wechat):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    await wechat.restart_bot()
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, "/ack 1")
    await wechat.settle()
    assert wechat.wx.tokens_issued == 1, "the token in the database is still good"


async def test_the_secret_is_never_logged(wechat, caplog):
    await report(wechat, RIDER, "路面鼓包", DONGHU)
    wechat.wx.expire_token()
    await wechat.server.post_text(ROADS_CHAT, ROADS_STAFF, "/ack 1")
    await wechat.settle()
    secret = wechat.wx.app_secret
    assert all(secret not in r.getMessage() and secret not in str(r.__dict__)
               for r in caplog.records)
    assert secret not in repr(wechat.app.platforms["wechat"])
    assert secret not in repr(wechat.settings.wechat)
