"""The callback as WeChat uses it: the URL check, retries of one push, forged and stale pushes."""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp

from bot.wechat import receiver as wechat_receiver
from bot.wechat.crypto import sha1_signature
from bot.wechat.xml import render, render_envelope
from tests.e2e.harness import DONGHU, jpeg

from .harness import RIDER
from .helpers import inbox_rows, numbers, ticket_count


async def test_the_url_check_echoes_only_when_signed_right(wechat):
    assert await wechat.wx.verify_url()
    params = {"signature": "0" * 40, "timestamp": "1780000000", "nonce": "1", "echostr": "42"}
    async with aiohttp.ClientSession() as http, http.get(wechat.wx.bot_url,
                                                         params=params) as resp:
        assert resp.status == 401
        assert "42" not in await resp.text()


async def test_the_same_push_three_times_files_one_ticket(wechat):
    rider = wechat.wx.user(RIDER)
    image = await rider.send_image(jpeg(), extra_copies=2)
    assert image.statuses == [200, 200, 200]
    await rider.send_text("路面鼓包", extra_copies=2)
    location = await rider.send_location(*DONGHU, extra_copies=2)
    assert location.attempts == 3
    await wechat.settle()
    assert await ticket_count(wechat) == 1
    assert await inbox_rows(wechat) == 3, "one row per push, however often it came"
    assert numbers(wechat.texts_to(RIDER)) == {1}


async def test_pushes_not_answered_in_time_are_retried_and_stored_once(wechat):
    # The bot's answer is lost twice (as when WeChat gives up waiting after 5 s): the push
    # comes again, and again, and is stored the first time only.
    rider = wechat.wx.user(RIDER)
    await rider.send_image(jpeg(), extra_copies=3)
    await rider.send_location(*DONGHU, extra_copies=3)
    await wechat.settle()
    assert await ticket_count(wechat) == 1 and await inbox_rows(wechat) == 2


async def test_a_push_the_bot_cannot_store_now_is_left_unanswered_so_wechat_retries(
        wechat, monkeypatch):
    # Any answer, an error status too, makes WeChat drop the push and show the follower
    # "该公众号暂时无法提供服务"; only a push left unanswered comes again.
    receiver = wechat.app.platforms["wechat"].receiver
    receiver.accepting = False
    leave = wechat_receiver.unanswered

    def leave_then_accept(request):
        # The bot can store again once the first try was left unanswered. (A fixed pause
        # before accepting again raced the first try on a busy machine.)
        receiver.accepting = True
        return leave(request)

    monkeypatch.setattr(wechat_receiver, "unanswered", leave_then_accept)
    wechat.wx.push_retry_interval_s = 0.3
    rider = wechat.wx.user(RIDER)
    result = await rider.send_text("路面有个大坑")
    assert result.statuses[0] is None, "the first try got no answer at all"
    assert result.delivered and result.statuses[-1] == 200
    await wechat.settle()
    assert await inbox_rows(wechat) == 1


async def _post(wechat, query: dict[str, str], body: str) -> int:
    async with aiohttp.ClientSession() as http, http.post(
            wechat.wx.bot_url, params=query, data=body.encode()) as resp:
        return resp.status


def _signed(wechat, fields, *, timestamp: str, tamper: bool = False) -> tuple[dict, str]:
    crypto = wechat.wx.crypto
    encrypt = crypto.encrypt(render(fields).encode())
    nonce = "12345"
    query = {"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes",
             "signature": sha1_signature(crypto.token, timestamp, nonce),
             "msg_signature": crypto.sign(timestamp, nonce, encrypt),
             "openid": str(fields["FromUserName"])}
    if tamper:
        encrypt = crypto.encrypt(render({**fields, "Content": "改过的"}).encode())
    return query, render_envelope(str(fields["ToUserName"]), encrypt)


async def test_a_forged_or_stale_push_gets_401_a_log_line_and_nothing_stored(wechat, caplog):
    caplog.set_level(logging.WARNING, logger="bot.wechat")
    now = wechat.clock.now()
    fields = {"ToUserName": wechat.wx.account, "FromUserName": RIDER,
              "CreateTime": int(now.timestamp()), "MsgType": "text", "Content": "路面鼓包",
              "MsgId": 7000000000000000001}
    fresh = str(int(now.timestamp()))
    query, body = _signed(wechat, fields, timestamp=fresh, tamper=True)
    assert await _post(wechat, query, body) == 401
    stale = str(int((now - timedelta(minutes=10)).timestamp()))
    query, body = _signed(wechat, fields, timestamp=stale)
    assert await _post(wechat, query, body) == 401
    plain = {"timestamp": fresh, "nonce": "1",
             "signature": sha1_signature(wechat.wx.token, fresh, "1")}
    assert await _post(wechat, plain, render(fields)) == 401, "safe mode refuses plaintext"
    assert await _post(wechat, {**query, "timestamp": fresh,
                                "msg_signature": "0" * 40}, "<xml>broken") in (400, 401)
    assert await inbox_rows(wechat) == 0
    refused = [r for r in caplog.records if r.getMessage() == "wechat push refused"]
    assert len(refused) >= 3
    assert all("Encrypt" not in r.getMessage() for r in refused)

    query, body = _signed(wechat, fields, timestamp=fresh)
    assert await _post(wechat, query, body) == 200, "the same push signed right is taken"
    await wechat.settle()
    assert await inbox_rows(wechat) == 1
