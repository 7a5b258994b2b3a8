"""Pushed XML: each documented message and event, hostile bodies, and the writer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.crypto import MessageCrypto
from bot.wechat.xml import (
    MAX_BODY,
    BadXml,
    ImagePush,
    LocationPush,
    LocationReport,
    MenuClick,
    OtherEvent,
    OtherMessage,
    Push,
    Scanned,
    Subscribed,
    TextPush,
    Unsubscribed,
    parse_envelope,
    parse_push,
    parse_reply_envelope,
    render,
    render_reply_envelope,
    text_reply,
)

HEAD = ("<ToUserName><![CDATA[toUser]]></ToUserName>"
        "<FromUserName><![CDATA[oRider]]></FromUserName><CreateTime>1348831860</CreateTime>")


def xml(body: str) -> str:
    return f"<xml>{HEAD}{body}</xml>"


def test_text() -> None:
    push = parse_push(xml("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[ 受理 42 ]]>"
                          "</Content><MsgId>1234567890123456</MsgId>"))
    assert push == TextPush("toUser", "oRider", 1348831860, "text", " 受理 42 ",
                            1234567890123456)
    assert push.dedup_key == "msg:1234567890123456"


def test_text_from_a_click_menu_carries_the_item_id() -> None:
    push = parse_push(xml("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[1 已解决]]>"
                          "</Content><MsgId>7</MsgId><bizmsgmenuid>101</bizmsgmenuid>"))
    assert isinstance(push, TextPush) and push.menu_item_id == "101"


def test_image() -> None:
    push = parse_push(xml("<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/p]]>"
                          "</PicUrl><MediaId><![CDATA[media_id]]></MediaId><MsgId>9</MsgId>"))
    assert isinstance(push, ImagePush)
    assert (push.pic_url, push.media_id, push.msg_id) == ("http://x/p", "media_id", 9)


def test_location() -> None:
    push = parse_push(xml("<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521"
                          "</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale>"
                          "<Label><![CDATA[位置信息]]></Label><MsgId>1234567890123456</MsgId>"))
    assert isinstance(push, LocationPush)
    assert (push.lat, push.lon, push.scale, push.label) == (23.134521, 113.358803, 20, "位置信息")


def test_voice_is_kept_as_another_message_not_dropped() -> None:
    push = parse_push(xml("<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m]]></MediaId>"
                          "<Format><![CDATA[amr]]></Format><MsgId>5</MsgId>"))
    assert isinstance(push, OtherMessage) and push.msg_id == 5 and push.fields["Format"] == "amr"


def event(name: str, more: str = "") -> str:
    return xml(f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{name}]]></Event>{more}")


def test_events() -> None:
    click = parse_push(event("CLICK", "<EventKey><![CDATA[report]]></EventKey>"))
    assert isinstance(click, MenuClick) and click.event_key == "report"
    assert click.dedup_key == "event:oRider:1348831860:CLICK"
    follow = parse_push(event("subscribe", "<EventKey><![CDATA[qrscene_123123]]></EventKey>"
                                           "<Ticket><![CDATA[TICKET]]></Ticket>"))
    assert isinstance(follow, Subscribed) and follow.event_key == "qrscene_123123"
    assert isinstance(parse_push(event("subscribe")), Subscribed)
    assert isinstance(parse_push(event("unsubscribe")), Unsubscribed)
    scan = parse_push(event("SCAN", "<EventKey><![CDATA[42]]></EventKey>"
                                    "<Ticket><![CDATA[T]]></Ticket>"))
    assert isinstance(scan, Scanned) and scan.event_key == "42" and scan.ticket == "T"
    where = parse_push(event("LOCATION", "<Latitude>23.137466</Latitude><Longitude>113.352425"
                                         "</Longitude><Precision>119.385040</Precision>"))
    assert isinstance(where, LocationReport)
    assert (where.latitude, where.longitude, where.precision) == (23.137466, 113.352425,
                                                                  119.38504)
    view = parse_push(event("VIEW", "<EventKey><![CDATA[www.qq.com]]></EventKey>"))
    assert isinstance(view, OtherEvent) and view.event_key == "www.qq.com"


def test_safe_mode_envelope() -> None:
    envelope = parse_envelope("<xml><ToUserName><![CDATA[gh_1]]></ToUserName>"
                              "<Encrypt><![CDATA[abc=]]></Encrypt></xml>")
    assert (envelope.to_user, envelope.encrypt) == ("gh_1", "abc=")


XXE = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       "<xml><ToUserName>&x;</ToUserName></xml>")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
          '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
          "<xml><Content>&c;</Content></xml>")


@pytest.mark.parametrize("body", [
    XXE, LAUGHS, '<!DOCTYPE xml><xml></xml>', "<xml>" + "<a>1</a>" * 20000 + "</xml>",
    "", "not xml", "<xml><unclosed></xml>", "<root/>", xml("<MsgType>text</MsgType>"),
    xml("<MsgType>image</MsgType><MsgId>1</MsgId>"), b"\xff\xfe<xml/>",
    "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>soon"
    "</CreateTime><MsgType>text</MsgType></xml>",
    xml("<MsgType>location</MsgType><Location_X>nan</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>1</MsgId>"),
    xml("<MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y>"
        "<MsgId>1</MsgId>"),
    xml("<MsgType>event</MsgType>"),
])
def test_hostile_or_broken_bodies_raise_bad_xml(body: str | bytes) -> None:
    with pytest.raises(BadXml):
        parse_push(body)


def test_a_body_over_the_limit_is_refused_before_parsing() -> None:
    with pytest.raises(BadXml, match="over"):
        parse_push(xml("<MsgType>text</MsgType><Content>" + "x" * MAX_BODY + "</Content>"))


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400)))
def test_any_body_parses_or_raises_bad_xml(body: str | bytes) -> None:
    try:
        push = parse_push(body)
    except BadXml:
        return
    assert isinstance(push, Push)


xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=200)


@settings(max_examples=300)
@given(content=xml_text, openid=xml_text.filter(lambda s: s.strip()), msg_id=st.integers(
    min_value=0, max_value=2**63 - 1))
def test_rendered_text_pushes_parse_back(content: str, openid: str, msg_id: int) -> None:
    body = render({"ToUserName": "gh_1", "FromUserName": openid, "CreateTime": 1700000000,
                   "MsgType": "text", "Content": content, "MsgId": msg_id})
    push = parse_push(body)
    assert isinstance(push, TextPush)
    assert push.content == content and push.from_user == openid.strip()
    assert push.msg_id == msg_id


def test_reply_envelope_round_trip() -> None:
    crypto = MessageCrypto("AAAAA", "A" * 43, "wxba5fad812f8e6fb9")
    reply = crypto.seal_reply(text_reply("oRider", "gh_1", 1, "收到").encode(), "1713424427", "9")
    envelope = parse_reply_envelope(render_reply_envelope(reply))
    assert envelope.msg_signature == crypto.sign(envelope.timestamp, envelope.nonce,
                                                 envelope.encrypt)
    inner = crypto.decrypt(envelope.encrypt).decode()
    assert inner == text_reply("oRider", "gh_1", 1, "收到")
    assert "<Content><![CDATA[收到]]></Content>" in inner


def test_field_names_are_checked_when_writing() -> None:
    with pytest.raises(ValueError):
        render({"bad name": "x"})
