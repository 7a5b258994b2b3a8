"""Secrets for sign-in links and sessions: random, URL-safe, stored only as their hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
# What a token looks like; anything else is refused before the database is asked.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """The stored form of a token: a leaked table gives no usable link or session."""
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    return bool(TOKEN_SHAPE.match(token))


def same(given: str, expected: str) -> bool:
    """Constant-time comparison, for tokens a form sends back."""
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(),
                                                                  expected.encode())
