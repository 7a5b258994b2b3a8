"""Media decryption as the long-connection page describes it (AES-256-CBC, IV = key[:16],
PKCS#7 to 32 bytes)."""

from __future__ import annotations

import base64
import contextlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

from bot.wecom.media import MediaError, decrypt_media, encrypt_media, new_aeskey

KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")


@given(data=st.binary(max_size=2000))
def test_round_trip(data: bytes) -> None:
    assert decrypt_media(encrypt_media(data, KEY), KEY) == data


def test_matches_an_independent_encryption() -> None:
    key = bytes(range(32))
    plain = b"after photo"
    pad = 32 - len(plain) % 32
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    cipher = enc.update(plain + bytes([pad]) * pad) + enc.finalize()
    assert decrypt_media(cipher, KEY) == plain


@given(data=st.binary(max_size=300))
def test_garbage_raises_media_error_only(data: bytes) -> None:
    with contextlib.suppress(MediaError):
        decrypt_media(data, KEY)


def test_wrong_key_and_bad_keys() -> None:
    cipher = encrypt_media(b"x" * 100, KEY)
    with pytest.raises(MediaError):
        decrypt_media(cipher, new_aeskey())
    for bad in ("", "not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(MediaError):
            decrypt_media(cipher, bad)
