"""Safe-mode crypto and signatures against the documented sample vectors, and properties."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.crypto import (
    BadCiphertext,
    BadSignature,
    MessageCrypto,
    StaleTimestamp,
    WrongAppId,
    aes_key,
    check_fresh,
    check_msg_signature,
    check_signature,
    pad,
    sha1_signature,
    unpad,
)

# The worked example of 消息推送 / 消息加解密说明 (developers.weixin.qq.com): Token "AAAAA",
# EncodingAESKey 43 × "A", AppID wxba5fad812f8e6fb9.
DOC_TOKEN = "AAAAA"
DOC_KEY = "A" * 43
DOC_APPID = "wxba5fad812f8e6fb9"
DOC_ENCRYPT = (
    "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJ"
    "GQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpR"
    "SrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mO"
    "cfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
)
DOC_MESSAGE = (
    b'{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY",'
    b'"CreateTime":1714112445,"MsgType":"event","Event":"debug_demo",'
    b'"debug_str":"hello world"}'
)


def doc_crypto() -> MessageCrypto:
    return MessageCrypto(DOC_TOKEN, DOC_KEY, DOC_APPID)


def test_documented_url_verification_signature() -> None:
    assert check_signature(DOC_TOKEN, "1714036504", "1514711492",
                           "f464b24fc39322e44b38aa78f5edd27bd1441696")
    assert not check_signature("AAAAB", "1714036504", "1514711492",
                               "f464b24fc39322e44b38aa78f5edd27bd1441696")


def test_documented_plaintext_push_signature() -> None:
    assert sha1_signature(DOC_TOKEN, "1714037059", "486452656") == (
        "899cf89e464efb63f54ddac96b0a0a235f53aa78")


def test_documented_safe_mode_push_is_checked_and_opened() -> None:
    assert check_msg_signature(DOC_TOKEN, "1714112445", "415670741", DOC_ENCRYPT,
                               "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")
    # The docs: TmpMsg 224 bytes, FullStr 205, msg_len 167, random "a8eedb185eb2fecf".
    assert len(base64.b64decode(DOC_ENCRYPT)) == 224
    message = doc_crypto().open_push(DOC_ENCRYPT, "1714112445", "415670741",
                                     "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3")
    assert message == DOC_MESSAGE
    assert len(message) == 167


def test_documented_reply_is_sealed_byte_for_byte() -> None:
    reply = doc_crypto().seal_reply(b'{"demo_resp":"good luck"}', "1713424427", "415670741",
                                    prefix=b"707722b803182950")
    assert reply.encrypt == ("ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVH"
                             "m48Y4hyRbtzve1L32tmxSQ==")
    assert reply.msg_signature == "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1"


def test_a_push_sealed_for_another_account_is_refused() -> None:
    other = MessageCrypto(DOC_TOKEN, DOC_KEY, "wx0000000000000000")
    with pytest.raises(WrongAppId):
        other.decrypt(DOC_ENCRYPT)


def test_a_forged_msg_signature_is_refused() -> None:
    with pytest.raises(BadSignature):
        doc_crypto().open_push(DOC_ENCRYPT, "1714112445", "415670741", "0" * 40)
    with pytest.raises(BadSignature):
        doc_crypto().open_push(DOC_ENCRYPT, "1714112445", "415670741", None)


@pytest.mark.parametrize("encrypt", ["not base64!", "", "QUJD", base64.b64encode(b"x" * 17)
                                     .decode(), base64.b64encode(b"\0" * 32).decode()])
def test_broken_ciphertext_raises_bad_ciphertext(encrypt: str) -> None:
    with pytest.raises(BadCiphertext):
        doc_crypto().decrypt(encrypt)


def test_padding_is_to_32_bytes_and_checked_strictly() -> None:
    assert len(pad(b"x" * 31)) == 32 and len(pad(b"x" * 32)) == 64
    assert unpad(pad(b"abc")) == b"abc"
    with pytest.raises(BadCiphertext):
        unpad(b"abc" + b"\x03\x02\x03")
    with pytest.raises(BadCiphertext):
        unpad(b"x" * 31 + b"\x21")


@pytest.mark.parametrize("key", ["A" * 42, "A" * 44, "!" * 43])
def test_encoding_aes_key_must_be_43_base64_characters(key: str) -> None:
    with pytest.raises(ValueError):
        aes_key(key)


def test_the_key_and_token_never_show_in_repr() -> None:
    text = repr(doc_crypto())
    assert DOC_KEY not in text and DOC_TOKEN not in text and DOC_APPID in text


def test_stale_timestamps_are_refused() -> None:
    now = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    check_fresh(str(int(now.timestamp()) - 299), now)
    check_fresh(str(int(now.timestamp()) + 299), now)
    for bad in (str(int(now.timestamp()) - 301), str(int(now.timestamp()) + 3600), "x", ""):
        with pytest.raises(StaleTimestamp):
            check_fresh(bad, now)


keys = st.binary(min_size=32, max_size=32).map(lambda b: base64.b64encode(b).decode()[:43])
app_ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=32)


@settings(max_examples=150, deadline=None)
@given(message=st.binary(max_size=3000), key=keys, app_id=app_ids)
def test_encrypt_then_decrypt_gives_the_message_back(message: bytes, key: str,
                                                     app_id: str) -> None:
    try:
        crypto = MessageCrypto("token", key, app_id)
    except ValueError:
        return  # a 43-character prefix whose last character carries stray bits
    assert crypto.decrypt(crypto.encrypt(message)) == message


@settings(max_examples=150, deadline=None)
@given(message=st.binary(min_size=1, max_size=500), position=st.integers(min_value=0),
       flip=st.integers(min_value=1, max_value=255))
def test_any_change_to_the_ciphertext_fails_the_signature(message: bytes, position: int,
                                                          flip: int) -> None:
    crypto = doc_crypto()
    sealed = crypto.seal_reply(message, "1714112445", "415670741")
    raw = bytearray(base64.b64decode(sealed.encrypt))
    raw[position % len(raw)] ^= flip
    tampered = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(BadSignature):
        crypto.open_push(tampered, sealed.timestamp, sealed.nonce, sealed.msg_signature)


parts = st.text(min_size=0, max_size=40)


@settings(max_examples=200)
@given(token=parts, timestamp=parts, nonce=parts, other=parts)
def test_signature_is_order_free_and_bound_to_the_token(token: str, timestamp: str, nonce: str,
                                                         other: str) -> None:
    signature = sha1_signature(token, timestamp, nonce)
    assert sha1_signature(nonce, token, timestamp) == signature
    assert check_signature(token, timestamp, nonce, signature)
    assert check_signature(token, timestamp, nonce, signature.upper())
    if sorted([other, timestamp, nonce]) != sorted([token, timestamp, nonce]):
        assert not check_signature(other, timestamp, nonce, signature) or (
            "".join(sorted([other, timestamp, nonce]))
            == "".join(sorted([token, timestamp, nonce])))
