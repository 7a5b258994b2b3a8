"""Images in messages to the smart bot: download and decrypt.

Over the long connection an image (alone or inside a mixed message) comes as a URL, valid for
about five minutes, and an `aeskey`: the file is AES-256-CBC encrypted with the base64-decoded
key, the IV is the key's first 16 bytes, and the plaintext is PKCS#7-padded to a multiple of
32 bytes (document/path/101463, 多媒体资源解密). An image without a key is taken as it comes.
"""

from __future__ import annotations

import base64
import os

import aiohttp
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from messaging.port import PermanentFailure, TransientFailure

from .frames import ImageRef

_PAD_BLOCK = 32
MAX_MEDIA_BYTES = 20 * 1024 * 1024


class MediaError(ValueError):
    """Bytes that do not decrypt with the given key."""


def _key(aeskey: str) -> bytes:
    padded = aeskey + "=" * (-len(aeskey) % 4)
    try:
        key = base64.b64decode(padded, validate=True)
    except (ValueError, TypeError) as error:
        raise MediaError("aeskey is not base64") from error
    if len(key) != 32:
        raise MediaError("aeskey is not 32 bytes")
    return key


def new_aeskey() -> str:
    """A key as WeCom sends them: 32 random bytes, base64 without padding."""
    return base64.b64encode(os.urandom(32)).decode("ascii").rstrip("=")


def encrypt_media(data: bytes, aeskey: str) -> bytes:
    """What the server does (the local server, tests)."""
    key = _key(aeskey)
    pad = _PAD_BLOCK - len(data) % _PAD_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(data + bytes([pad]) * pad) + encryptor.finalize()


def decrypt_media(data: bytes, aeskey: str) -> bytes:
    key = _key(aeskey)
    if not data or len(data) % 16:
        raise MediaError("encrypted media is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= _PAD_BLOCK or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
        raise MediaError("bad padding: wrong key or damaged file")
    return plain[:-pad]


async def download_image(session: aiohttp.ClientSession, image: ImageRef, *,
                         timeout_s: float = 30.0, max_bytes: int = MAX_MEDIA_BYTES) -> bytes:
    """The image's bytes, decrypted. Errors are the port's: a URL that expired or a file that
    does not decrypt is permanent, a network failure transient."""
    try:
        async with session.get(image.url, timeout=aiohttp.ClientTimeout(total=timeout_s)) as reply:
            if reply.status in (403, 404, 410):
                raise PermanentFailure(f"media gone (HTTP {reply.status})")
            if reply.status != 200:
                raise TransientFailure(f"media download HTTP {reply.status}")
            data = await reply.content.read(max_bytes + 1)
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        raise TransientFailure(f"media download failed: {error}") from error
    if len(data) > max_bytes:
        raise PermanentFailure(f"media larger than {max_bytes} bytes")
    if not image.aeskey:
        return data
    try:
        return decrypt_media(data, image.aeskey)
    except MediaError as error:
        raise PermanentFailure(str(error)) from error
