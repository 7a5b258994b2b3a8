"""The callback's checks: GET verification and a POST from query and body to a push."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.wechat.callback import PlaintextRefused, open_callback, verify_url
from bot.wechat.crypto import (
    BadSignature,
    MessageCrypto,
    StaleTimestamp,
    WrongAppId,
    sha1_signature,
)
from bot.wechat.xml import BadXml, TextPush, render, render_envelope

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
CRYPTO = MessageCrypto("AAAAA", "A" * 43, "wxba5fad812f8e6fb9")
TEXT = render({"ToUserName": "gh_1", "FromUserName": "oRider", "CreateTime": TS,
               "MsgType": "text", "Content": "路面鼓包", "MsgId": 42}).encode()


def sealed(plain: bytes, crypto: MessageCrypto = CRYPTO, ts: str = TS
           ) -> tuple[dict[str, str], bytes]:
    encrypt = crypto.encrypt(plain)
    query = {"timestamp": ts, "nonce": "7", "encrypt_type": "aes",
             "msg_signature": crypto.sign(ts, "7", encrypt),
             "signature": sha1_signature(crypto.token, ts, "7")}
    return query, render_envelope("gh_1", encrypt).encode()


def test_documented_get_verification() -> None:
    query = {"signature": "f464b24fc39322e44b38aa78f5edd27bd1441696", "timestamp": "1714036504",
             "nonce": "1514711492", "echostr": "4375120948345356249"}
    assert verify_url(query, "AAAAA") == "4375120948345356249"
    with pytest.raises(BadSignature):
        verify_url({**query, "nonce": "1"}, "AAAAA")


def test_a_sealed_push_opens_to_its_message() -> None:
    query, body = sealed(TEXT)
    push = open_callback(query, body, CRYPTO, NOW)
    assert isinstance(push, TextPush) and push.content == "路面鼓包"


def test_a_forged_or_foreign_or_stale_push_is_refused() -> None:
    query, body = sealed(TEXT)
    with pytest.raises(BadSignature):
        open_callback({**query, "msg_signature": "1" * 40}, body, CRYPTO, NOW)
    other = MessageCrypto("AAAAA", "A" * 43, "wx_someone_else")
    query, body = sealed(TEXT, other)
    with pytest.raises(WrongAppId):
        open_callback(query, body, CRYPTO, NOW)
    old = str(int((NOW - timedelta(minutes=6)).timestamp()))
    query, body = sealed(TEXT, ts=old)
    with pytest.raises(StaleTimestamp):
        open_callback(query, body, CRYPTO, NOW)


def test_plaintext_only_when_safe_mode_is_not_required() -> None:
    query = {"timestamp": TS, "nonce": "7", "signature": sha1_signature("AAAAA", TS, "7")}
    with pytest.raises(PlaintextRefused):
        open_callback(query, TEXT, CRYPTO, NOW)
    push = open_callback(query, TEXT, CRYPTO, NOW, require_encryption=False)
    assert isinstance(push, TextPush)
    with pytest.raises(BadSignature):
        open_callback({**query, "signature": "x"}, TEXT, CRYPTO, NOW, require_encryption=False)


def test_hostile_xml_inside_a_valid_seal_is_bad_xml_not_a_crash() -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b"<xml><ToUserName>&x;</ToUserName></xml>")
    query, body = sealed(xxe)
    with pytest.raises(BadXml):
        open_callback(query, body, CRYPTO, NOW)
    with pytest.raises(BadXml):
        open_callback(query, b"<xml><Encrypt>", CRYPTO, NOW)
