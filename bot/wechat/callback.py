"""The callback's checks in one place: GET verification, and a POST from query and body to
a typed push. Pure (no web framework): the adapter's HTTP handler calls these, answers 401
on `CallbackError`, 400 on `BadXml`, and otherwise stores the push before saying "success".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .crypto import (
    DEFAULT_TOLERANCE_S,
    BadSignature,
    CallbackError,
    MessageCrypto,
    check_fresh,
    check_signature,
)
from .xml import Push, parse_envelope, parse_push


class PlaintextRefused(CallbackError):
    """A plaintext push where the account is configured for safe mode."""


def verify_url(query: Mapping[str, str], token: str) -> str:
    """The GET verification: the `echostr` to answer with; raises BadSignature."""
    if not check_signature(token, query.get("timestamp", ""), query.get("nonce", ""),
                           query.get("signature")):
        raise BadSignature("signature does not match")
    return query.get("echostr", "")


def open_callback(query: Mapping[str, str], body: bytes, crypto: MessageCrypto, now: datetime,
                  *, require_encryption: bool = True,
                  tolerance_s: float = DEFAULT_TOLERANCE_S) -> Push:
    """Check, decrypt and parse one pushed POST.

    A push with ``encrypt_type=aes`` is checked by ``msg_signature`` over its Encrypt field
    and decrypted (AppID checked); a plaintext push by ``signature``, and only when
    `require_encryption` is off. A stale timestamp is refused either way. Raises
    CallbackError (answer 401) or BadXml (answer 400)."""
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if query.get("encrypt_type") == "aes":
        envelope = parse_envelope(body)
        plain = crypto.open_push(envelope.encrypt, timestamp, nonce, query.get("msg_signature"))
        check_fresh(timestamp, now, tolerance_s)
        return parse_push(plain)
    if require_encryption:
        raise PlaintextRefused("plaintext push while safe mode is required")
    if not check_signature(crypto.token, timestamp, nonce, query.get("signature")):
        raise BadSignature("signature does not match")
    check_fresh(timestamp, now, tolerance_s)
    return parse_push(body)
