"""Callback signatures and the safe-mode (安全模式) message encryption of a service account.

As documented (消息加解密说明 / 消息推送, developers.weixin.qq.com):
- ``signature`` = SHA1 of the sorted, concatenated (Token, timestamp, nonce); it signs the GET
  verification and every plaintext push.
- ``msg_signature`` = SHA1 of the sorted, concatenated (Token, timestamp, nonce, Encrypt); in
  safe mode it, not ``signature``, proves the body came from WeChat.
- AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[:16];
  PKCS#7 padding to a multiple of **32** bytes (not AES's 16);
  plaintext = random(16 B) + len(msg) as 4 bytes network order + msg + AppID.

The documented sample vectors are checked in tests/unit/test_wechat_crypto.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAD_BLOCK = 32
RANDOM_PREFIX = 16
ENCODING_AES_KEY_LENGTH = 43
# A signed request older (or newer) than this is refused: WeChat's own retries come within
# about 15 s, so five minutes leaves room for clock drift and a slow network.
DEFAULT_TOLERANCE_S = 300


class CallbackError(Exception):
    """A push that must not be trusted; the callback answers 401 and stores nothing."""


class BadSignature(CallbackError):
    pass


class StaleTimestamp(CallbackError):
    pass


class BadCiphertext(CallbackError):
    pass


class WrongAppId(CallbackError):
    pass


def sha1_signature(*parts: str) -> str:
    """WeChat's signature: SHA1 (hex) of the parts sorted as strings and concatenated."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected, given.lower())


def check_signature(token: str, timestamp: str, nonce: str, signature: str | None) -> bool:
    """The GET verification's and a plaintext push's ``signature``."""
    return _same(sha1_signature(token, timestamp, nonce), signature)


def check_msg_signature(token: str, timestamp: str, nonce: str, encrypt: str,
                        msg_signature: str | None) -> bool:
    """A safe-mode push's ``msg_signature`` over its ``Encrypt`` field."""
    return _same(sha1_signature(token, timestamp, nonce, encrypt), msg_signature)


def check_fresh(timestamp: str, now: datetime, tolerance_s: float = DEFAULT_TOLERANCE_S) -> None:
    """Raise StaleTimestamp unless `timestamp` (unix seconds) is within `tolerance_s` of `now`:
    a replayed push, signed long ago, is refused even with a valid signature."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise StaleTimestamp(f"timestamp is not a number: {timestamp!r}") from exc
    drift = abs(now.timestamp() - sent)
    if drift > tolerance_s:
        raise StaleTimestamp(f"timestamp {sent} is {drift:.0f}s away from now")


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key of a 43-character EncodingAESKey."""
    if len(encoding_aes_key) != ENCODING_AES_KEY_LENGTH:
        raise ValueError(f"EncodingAESKey must be {ENCODING_AES_KEY_LENGTH} characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise ValueError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise ValueError("EncodingAESKey does not decode to 32 bytes")
    return key


def pad(data: bytes) -> bytes:
    n = PAD_BLOCK - len(data) % PAD_BLOCK
    return data + bytes([n]) * n


def unpad(data: bytes) -> bytes:
    if not data:
        raise BadCiphertext("empty plaintext")
    n = data[-1]
    if not 1 <= n <= PAD_BLOCK or n > len(data) or data[-n:] != bytes([n]) * n:
        raise BadCiphertext("bad padding")
    return data[:-n]


@dataclass(frozen=True)
class EncryptedReply:
    """The four fields of the encrypted reply envelope."""

    encrypt: str
    msg_signature: str
    timestamp: str
    nonce: str


@dataclass
class MessageCrypto:
    """One account's Token, EncodingAESKey and AppID; encrypts, decrypts and signs."""

    token: str
    encoding_aes_key: str
    app_id: str
    random_bytes: Callable[[int], bytes] = field(default=os.urandom, repr=False)

    def __post_init__(self) -> None:
        self._key = aes_key(self.encoding_aes_key)

    def __repr__(self) -> str:  # the key and token are secrets: never in a log line
        return f"MessageCrypto(app_id={self.app_id!r})"

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: bytes, prefix: bytes | None = None) -> str:
        """Base64 of AES(random16 + len + message + AppID). `prefix` fixes the random part
        (the documented sample gives one)."""
        prefix = self.random_bytes(RANDOM_PREFIX) if prefix is None else prefix
        if len(prefix) != RANDOM_PREFIX:
            raise ValueError("the random prefix is 16 bytes")
        plain = prefix + struct.pack(">I", len(message)) + message + self.app_id.encode()
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(pad(plain)) + encryptor.finalize()
        return base64.b64encode(sealed).decode()

    def decrypt(self, encrypt: str) -> bytes:
        """The message inside `encrypt`; raises BadCiphertext or WrongAppId."""
        try:
            sealed = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadCiphertext("Encrypt is not base64") from exc
        if not sealed or len(sealed) % 16:
            raise BadCiphertext("ciphertext is not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = unpad(decryptor.update(sealed) + decryptor.finalize())
        if len(plain) < RANDOM_PREFIX + 4:
            raise BadCiphertext("plaintext too short")
        (length,) = struct.unpack(">I", plain[RANDOM_PREFIX:RANDOM_PREFIX + 4])
        body_end = RANDOM_PREFIX + 4 + length
        if body_end > len(plain):
            raise BadCiphertext("message length beyond the plaintext")
        app_id = plain[body_end:]
        if not hmac.compare_digest(app_id, self.app_id.encode()):
            raise WrongAppId("the message was sealed for another AppID")
        return plain[RANDOM_PREFIX + 4:body_end]

    def sign(self, timestamp: str, nonce: str, encrypt: str) -> str:
        return sha1_signature(self.token, timestamp, nonce, encrypt)

    def seal_reply(self, message: bytes, timestamp: str, nonce: str,
                   prefix: bytes | None = None) -> EncryptedReply:
        encrypt = self.encrypt(message, prefix)
        return EncryptedReply(encrypt, self.sign(timestamp, nonce, encrypt), timestamp, nonce)

    def open_push(self, encrypt: str, timestamp: str, nonce: str,
                  msg_signature: str | None) -> bytes:
        """Check `msg_signature`, then decrypt: the one call a safe-mode callback needs."""
        if not check_msg_signature(self.token, timestamp, nonce, encrypt, msg_signature):
            raise BadSignature("msg_signature does not match")
        return self.decrypt(encrypt)
