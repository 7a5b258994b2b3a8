"""The API client against the local WeChat server over HTTP: token, grants, fallback to
template messages, media, menu and injected faults."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest

from bot.wechat.api import IMAGE_UPLOAD_LIMIT, MenuItem
from bot.wechat.errors import (
    MediaTooLarge,
    QuotaUsed,
    RecipientGone,
    TokenExpired,
    WeChatRefused,
    WindowClosed,
)
from bot.wechat.xml import TextPush
from messaging.port import RetryLater, TransientFailure

from .conftest import Setup
from .test_localwechat_pushes import jpeg

CUSTOM = "/cgi-bin/message/custom/send"


async def test_five_replies_after_a_message_then_45047_then_45015(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    with pytest.raises(WindowClosed):
        await wx.api.send_text("oRider", "before anything")
    await rider.send_image(jpeg())
    for n in range(5):
        await wx.api.send_text("oRider", f"reply {n}")
    with pytest.raises(QuotaUsed):
        await wx.api.send_text("oRider", "sixth")
    assert rider.texts() == [f"reply {n}" for n in range(5)]
    wx.clock.advance(timedelta(hours=48))
    with pytest.raises(WindowClosed):
        await wx.api.send_text("oRider", "too late")
    # the refusal is the signal to send a template message: it needs no window
    wx.server.add_template("TPL_STATUS", ["first", "keyword1", "keyword2", "remark"])
    msgid = await wx.api.send_template("oRider", "TPL_STATUS",
                                       {"first": "工单 #0042 已解决", "keyword1": "#0042",
                                        "keyword2": "5 小时 0 分"},
                                       url="https://liaison.example/t/42")
    assert msgid > 0
    last = rider.received()[-1]
    assert last.via == "template" and "5 小时 0 分" in last.text
    assert last.body["url"] == "https://liaison.example/t/42"
    # "first" is accepted but, as on WeChat since 2023, never shown
    assert "已解决" not in last.text and last.body["dropped"] == ["first"]


async def test_a_menu_click_gives_three_replies_for_one_minute(wx: Setup) -> None:
    await wx.api.create_menu({"button": [{"type": "click", "name": "报告问题",
                                          "key": "report"}]})
    rider = wx.server.user("oRider")
    await rider.click("report")
    for _ in range(3):
        await wx.api.send_text("oRider", "ok")
    with pytest.raises(QuotaUsed):
        await wx.api.send_text("oRider", "fourth")
    wx.clock.advance(61)
    with pytest.raises(WindowClosed):
        await wx.api.send_text("oRider", "later")


async def test_an_expired_token_is_refreshed_and_the_call_repeated(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    await wx.api.send_text("oRider", "one")
    assert wx.server.tokens_issued == 1
    wx.server.expire_token()
    await wx.api.send_text("oRider", "two")  # 42001, refresh, again
    assert wx.server.tokens_issued == 2
    assert rider.texts() == ["one", "two"]
    codes = [code for path, code in wx.server.world.calls if path == CUSTOM]
    assert codes == [0, 42001, 0]


async def test_a_token_replaced_elsewhere_is_forced_fresh(wx: Setup) -> None:
    """40001: the shared token was replaced; stable_token's normal mode still hands back the
    revoked one here, so the client forces a refresh."""
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    await wx.api.send_text("oRider", "one")
    wx.server.revoke_token()
    await wx.api.send_text("oRider", "two")
    assert rider.texts() == ["one", "two"]
    codes = [code for path, code in wx.server.world.calls if path == CUSTOM]
    assert codes == [0, 40001, 0]


async def test_the_token_is_refreshed_before_it_expires(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    await wx.api.send_text("oRider", "one")
    wx.clock.advance(timedelta(seconds=7200 - 200))  # inside the five-minute margin
    await rider.send_text("again")
    await wx.api.send_text("oRider", "two")
    codes = [code for path, code in wx.server.world.calls if path == CUSTOM]
    assert codes == [0, 0]  # never refused: refreshed ahead of time


async def test_a_token_error_that_persists_surfaces(wx: Setup) -> None:
    await wx.server.user("oRider").send_text("hi")
    wx.server.faults.fail(CUSTOM, 40001, times=2)
    with pytest.raises(TokenExpired):
        await wx.api.send_text("oRider", "x")


async def test_media_upload_send_and_expiry(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    media_id = await wx.api.upload_image(jpeg((320, 240)), "card.jpg")
    await wx.api.send_image("oRider", media_id)
    assert rider.received()[-1].kind == "image"
    assert (await wx.api.get_media(media_id)).data.startswith(b"\xff\xd8\xff")
    with pytest.raises(MediaTooLarge):
        await wx.api.upload_image(b"\xff\xd8\xff" + b"0" * IMAGE_UPLOAD_LIMIT)
    wx.clock.advance(timedelta(days=3))
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.get_media(media_id)
    assert caught.value.errcode == 40007


async def test_the_server_checks_size_and_format_of_uploads(wx: Setup) -> None:
    token = await wx.api.access_token()
    url = f"{wx.server.base_url}/cgi-bin/media/upload"
    for data, errcode in ((b"GIF89a" + b"0" * (IMAGE_UPLOAD_LIMIT + 1), 40009),
                          (b"not an image", 40137)):
        form = aiohttp.FormData()
        form.add_field("media", data, filename="x.bin", content_type="image/jpeg")
        async with wx.session.post(url, params={"access_token": token, "type": "image"},
                                   data=form) as resp:
            assert (await resp.json())["errcode"] == errcode


async def test_transient_faults_on_media_are_retried(wx: Setup) -> None:
    await wx.server.user("oRider").send_image(jpeg())
    media_id = wx.receiver.pushes[-1].media_id  # type: ignore[attr-defined]
    wx.server.faults.fail("/cgi-bin/media/get", -1)
    wx.server.faults.http_error("/cgi-bin/media/get", 502)
    media = await wx.api.get_media(media_id)
    assert media.content_type == "image/jpeg"
    wx.server.faults.fail("/cgi-bin/media/get", -1, times=3)
    with pytest.raises(TransientFailure):
        await wx.api.get_media(media_id)


async def test_sends_are_not_retried_on_transient_faults(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    wx.server.faults.fail(CUSTOM, -1)
    with pytest.raises(TransientFailure):
        await wx.api.send_text("oRider", "x")
    wx.server.faults.delay(CUSTOM, 1.5)  # past the client's 1 s timeout
    with pytest.raises(TransientFailure):
        await wx.api.send_text("oRider", "y")
    assert rider.texts() == []


async def test_the_per_minute_limit_asks_to_wait(wx: Setup) -> None:
    wx.server.per_minute_limit = 3
    await wx.server.user("oRider").send_text("hi")
    await wx.api.send_text("oRider", "1")
    await wx.api.send_text("oRider", "2")
    await wx.api.send_text("oRider", "3")
    with pytest.raises(RetryLater) as caught:
        await wx.api.send_text("oRider", "4")
    assert caught.value.seconds == 60


async def test_a_click_menu_in_the_chat_comes_back_as_text(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    await wx.api.send_menu("oRider", "工单 #0042 修好了吗？",
                           [MenuItem("101", "1 已解决"), MenuItem("102", "2 没解决")])
    await rider.tap_menu_item("102")
    push = wx.receiver.pushes[-1]
    assert isinstance(push, TextPush)
    assert (push.content, push.menu_item_id) == ("2 没解决", "102")


async def test_templates_need_a_follower_and_known_fields(wx: Setup) -> None:
    wx.server.add_template("TPL", ["first"])
    rider = wx.server.user("oRider")
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.send_template("oRider", "TPL", {"nope": "x"})
    assert caught.value.errcode == 47003
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.send_template("oRider", "OTHER", {"first": "x"})
    assert caught.value.errcode == 40037
    await rider.unsubscribe()
    with pytest.raises(RecipientGone):
        await wx.api.send_template("oRider", "TPL", {"first": "x"})


async def test_menu_create_is_checked_like_wechat(wx: Setup) -> None:
    menu = {"button": [
        {"type": "click", "name": "报告问题", "key": "report"},
        {"type": "click", "name": "我的工单", "key": "mine"},
        {"type": "click", "name": "附近驿站", "key": "stations"}]}
    await wx.api.create_menu(menu)
    assert wx.server.menu == menu and wx.server.menu_keys() == {"report", "mine", "stations"}
    too_many = {"button": [*menu["button"], {"type": "click", "name": "x", "key": "x"}]}
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.create_menu(too_many)
    assert caught.value.errcode == 40016
    with pytest.raises(ValueError):
        await wx.server.user("oRider").click("not-in-menu")


async def test_a_wrong_secret_is_refused_and_never_logged(wx: Setup,
                                                          caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    from bot.wechat.api import WeChatApi

    api = WeChatApi(wx.session, wx.server.app_id, "wrong-secret", base_url=wx.server.base_url,
                    clock=wx.clock, backoff_s=0.01)
    with pytest.raises(WeChatRefused) as caught:
        await api.access_token()
    assert caught.value.errcode == 40125
    assert "wrong-secret" not in repr(api)
    assert "wrong-secret" not in caplog.text and wx.server.app_secret not in caplog.text


async def test_what_a_user_received_is_readable_over_http(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    await wx.api.send_text("oRider", "工单 #0042 已登记")
    async with wx.session.get(f"{wx.server.base_url}/_control/users") as resp:
        assert await resp.json() == ["oRider"]
    async with wx.session.get(f"{wx.server.base_url}/_control/users/oRider/received") as resp:
        (item,) = await resp.json()
    assert (item["via"], item["kind"], item["text"]) == ("custom", "text", "工单 #0042 已登记")


async def test_an_overlong_text_is_refused_by_wechat_not_cut(wx: Setup) -> None:
    await wx.server.user("oRider").send_text("hi")
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.send_text("oRider", "路" * 700)  # 2100 bytes
    assert caught.value.errcode == 45002


async def test_a_secret_refused_by_stable_token_is_permanent(wx: Setup) -> None:
    wx.server.faults.fail("/cgi-bin/stable_token", 40001)
    with pytest.raises(WeChatRefused) as caught:
        await wx.api.access_token()
    assert caught.value.errcode == 40001 and not isinstance(caught.value, TokenExpired)
