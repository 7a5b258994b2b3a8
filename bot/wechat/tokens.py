"""The access token, kept where every process can see it.

`cgi-bin/stable_token` hands out one token per account for up to 7200 s; all processes
must share it, or each forced refresh would cut the others off. `TokenStore` is where the
token lives: the composition root gives a database-backed one (the wiring step);
`MemoryTokenStore` serves one process and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: datetime

    def __repr__(self) -> str:  # a token is a credential: never printed whole
        return f"AccessToken({self.value[:4]}…, expires_at={self.expires_at.isoformat()})"

    def fresh(self, now: datetime, margin: timedelta) -> bool:
        """Good for at least `margin` more: refreshed before expiry, not after."""
        return now + margin < self.expires_at


class TokenStore(Protocol):
    async def load(self) -> AccessToken | None: ...

    async def save(self, token: AccessToken) -> None: ...


class MemoryTokenStore:
    def __init__(self) -> None:
        self.token: AccessToken | None = None

    async def load(self) -> AccessToken | None:
        return self.token

    async def save(self, token: AccessToken) -> None:
        self.token = token
