"""Pushes from the local WeChat server to a callback built from bot.wechat, over HTTP."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from bot.wechat.crypto import MessageCrypto, sha1_signature
from bot.wechat.datum import wechat_to_wgs84
from bot.wechat.xml import (
    ImagePush,
    LocationPush,
    LocationReport,
    MenuClick,
    Subscribed,
    TextPush,
    text_reply,
)
from domain.geo import great_circle_m

from .conftest import Setup


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


async def test_the_get_verification_echoes_only_when_signed(wx: Setup) -> None:
    url = wx.server.bot_url
    assert url is not None
    ts, nonce = "1714036504", "1514711492"
    good = {"signature": sha1_signature(wx.server.token, ts, nonce), "timestamp": ts,
            "nonce": nonce, "echostr": "4375120948345356249"}
    async with wx.session.get(url, params=good) as resp:
        assert (resp.status, await resp.text()) == (200, "4375120948345356249")
    async with wx.session.get(url, params={**good, "signature": "0" * 40}) as resp:
        assert resp.status == 401


async def test_the_platform_submit_check_passes_against_a_correct_callback(wx: Setup) -> None:
    assert await wx.server.verify_url()
    # the account's Token changed on the platform, the bot still has the old one
    wx.server.crypto = MessageCrypto("changed", wx.server.encoding_aes_key, wx.server.app_id)
    assert not await wx.server.verify_url()


async def test_photo_then_location_arrive_sealed_and_parse(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    photo = jpeg()
    first = await rider.send_image(photo)
    second = await rider.send_location(39.9087, 116.3975, "天安门东")
    assert first.delivered and second.delivered and first.attempts == 1
    image, place = wx.receiver.pushes
    assert isinstance(image, ImagePush) and image.from_user == "oRider"
    assert isinstance(place, LocationPush) and place.label == "天安门东"
    assert image.msg_id != place.msg_id
    # WeChat sent GCJ-02; shifted back it is the rider's position again.
    assert great_circle_m(place.lat, place.lon, 39.9087, 116.3975) > 100
    assert great_circle_m(*wechat_to_wgs84(place.lat, place.lon), 39.9087, 116.3975) < 1.0
    # the photo behind the MediaId is the rider's
    media = await wx.api.get_media(image.media_id)
    assert media.data == photo and media.content_type == "image/jpeg"


async def test_plaintext_mode_is_signed_with_signature(wx_plain: Setup) -> None:
    result = await wx_plain.server.user("oRider").send_text("路面鼓包")
    assert result.delivered
    (push,) = wx_plain.receiver.pushes
    assert isinstance(push, TextPush) and push.content == "路面鼓包"


async def test_events_location_report_click_and_follow(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    await rider.subscribe(scene="station-7")
    await rider.report_location(39.9, 116.4, precision=65.0)
    await rider.click("report")
    follow, where, click = wx.receiver.pushes
    assert isinstance(follow, Subscribed) and follow.event_key == "qrscene_station-7"
    assert isinstance(where, LocationReport) and where.precision == 65.0
    assert isinstance(click, MenuClick) and click.event_key == "report"
    assert click.dedup_key.startswith("event:oRider:")


async def test_no_answer_within_the_timeout_is_retried_with_the_same_msg_id(
        wx_hasty: Setup) -> None:
    wx = wx_hasty
    wx.receiver.delays = [1.5, 1.5]  # the first two attempts answer too late
    result = await wx.server.user("oRider").send_text("hello")
    assert result.statuses == [None, None, 200]
    ids = {p.dedup_key for p in wx.receiver.pushes}
    assert len(wx.receiver.pushes) == 3 and len(ids) == 1  # what the inbox must de-duplicate


async def test_wechat_gives_up_after_three_retries(wx_hasty: Setup) -> None:
    wx = wx_hasty
    wx.receiver.delays = [1.5] * 4
    result = await wx.server.user("oRider").send_text("hello")
    assert result.statuses == [None, None, None, None] and not result.delivered


async def test_a_lost_answer_can_be_replayed_on_purpose(wx: Setup) -> None:
    result = await wx.server.user("oRider").send_image(jpeg(), extra_copies=2)
    assert result.statuses == [200, 200, 200]
    assert len({p.dedup_key for p in wx.receiver.pushes}) == 1


async def test_a_sealed_passive_reply_reaches_the_user(wx: Setup) -> None:
    wx.receiver.reply = lambda push: text_reply(push.from_user, push.to_user,
                                                push.create_time, "收到")
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    (received,) = rider.received()
    assert received.via == "passive" and "<![CDATA[收到]]>" in received.body["xml"]


async def test_an_unsealed_reply_in_safe_mode_shows_the_service_error(wx: Setup) -> None:
    wx.receiver.raw_reply = "<xml><Content>plain</Content></xml>"
    rider = wx.server.user("oRider")
    await rider.send_text("hi")
    (received,) = rider.received()
    assert received.via == "error" and received.kind == "service_unavailable"


async def test_a_replayed_old_push_is_refused_as_stale(wx: Setup) -> None:
    rider = wx.server.user("oRider")
    server = wx.server
    assert server.bot_url is not None
    fields = {"ToUserName": server.account, "FromUserName": "oRider",
              "CreateTime": 1, "MsgType": "text", "Content": "x", "MsgId": 1}
    old = str(int((wx.clock.now() - timedelta(hours=1)).timestamp()))
    query, body = server._pusher.request(fields, old, "1")  # type: ignore[union-attr]
    async with wx.session.post(server.bot_url, params=query, data=body) as resp:
        assert resp.status == 401
    assert wx.receiver.refused == ["StaleTimestamp"]
    assert rider.received() == []


async def test_a_forged_push_is_refused(wx: Setup) -> None:
    server = wx.server
    assert server.bot_url is not None
    fields = {"ToUserName": server.account, "FromUserName": "oRider", "CreateTime": 1,
              "MsgType": "text", "Content": "x", "MsgId": 1}
    ts = str(int(wx.clock.now().timestamp()))
    query, body = server._pusher.request(fields, ts, "1")  # type: ignore[union-attr]
    async with wx.session.post(server.bot_url, params={**query, "msg_signature": "0" * 40},
                               data=body) as resp:
        assert resp.status == 401
    assert wx.receiver.refused == ["BadSignature"] and wx.receiver.pushes == []
