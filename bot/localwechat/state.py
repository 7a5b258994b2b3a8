"""What the local WeChat server remembers: tokens, followers and what each received, media,
the menu, templates, and the per-minute call counts."""

from __future__ import annotations

import itertools
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.wechat.budget import Budget

TOKEN_LIFETIME = timedelta(seconds=7200)
MEDIA_LIFETIME = timedelta(days=3)


@dataclass(frozen=True)
class Received:
    """One thing a user saw in their chat with the account."""

    via: Literal["custom", "template", "passive", "error"]
    kind: str  # text, image, msgmenu, template, service_unavailable
    body: dict[str, Any]
    at: datetime

    @property
    def text(self) -> str:
        """The readable text of it (for assertions and the sandbox view)."""
        if self.kind == "text":
            return str(self.body.get("content", ""))
        if self.kind == "msgmenu":
            lines = [self.body.get("head_content", "")]
            lines += [item.get("content", "") for item in self.body.get("list", [])]
            lines.append(self.body.get("tail_content", ""))
            return "\n".join(line for line in lines if line)
        if self.kind == "template":
            data = self.body.get("data", {})
            return "\n".join(str(v.get("value", "")) for v in data.values())
        return ""


@dataclass
class Follower:
    openid: str
    subscribed: bool = True
    budget: Budget = field(default_factory=Budget)
    received: list[Received] = field(default_factory=list)


@dataclass(frozen=True)
class StoredMedia:
    data: bytes
    content_type: str
    created_at: datetime


class TokenBook:
    """The account's access tokens: one current, the older ones remembered as revoked."""

    def __init__(self) -> None:
        self.current: str | None = None
        self.expires_at: datetime | None = None
        self._revoked: set[str] = set()
        self.issued = 0

    def issue(self, now: datetime, force: bool) -> tuple[str, int]:
        """stable_token: the current token while it lasts (normal mode), else a new one."""
        live = self.current is not None and self.expires_at is not None and now < self.expires_at
        if live and not force:
            assert self.current is not None and self.expires_at is not None
            return self.current, int((self.expires_at - now).total_seconds())
        if self.current is not None:
            self._revoked.add(self.current)
        self.current = f"LOCAL_{secrets.token_hex(16)}"
        self.expires_at = now + TOKEN_LIFETIME
        self.issued += 1
        return self.current, int(TOKEN_LIFETIME.total_seconds())

    def check(self, token: str | None, now: datetime) -> int:
        """0 if `token` may call the API now, else WeChat's errcode."""
        if not token:
            return 41001
        if token != self.current or token in self._revoked:
            return 40001
        assert self.expires_at is not None
        if now >= self.expires_at:
            return 42001
        return 0

    def expire(self, now: datetime) -> None:
        """The current token times out now (42001 from here on)."""
        self.expires_at = now

    def revoke(self) -> None:
        """The current token becomes invalid, as after another process forced a refresh
        (40001 from here on)."""
        if self.current is not None:
            self._revoked.add(self.current)


class World:
    def __init__(self) -> None:
        self.followers: dict[str, Follower] = {}
        self.tokens = TokenBook()
        self.media: dict[str, StoredMedia] = {}
        self.menu: dict[str, Any] | None = None
        self.templates: dict[str, tuple[str, ...]] = {}
        self.calls: list[tuple[str, int]] = []  # (path, errcode) of every API call
        self._msg_ids = itertools.count(24_000_000_000_000_001)
        self._template_ids = itertools.count(3_000_000_001)
        self._minute_calls: dict[tuple[str, int], int] = defaultdict(int)

    def follower(self, openid: str) -> Follower:
        if openid not in self.followers:
            self.followers[openid] = Follower(openid)
        return self.followers[openid]

    def next_msg_id(self) -> int:
        return next(self._msg_ids)

    def next_template_msg_id(self) -> int:
        return next(self._template_ids)

    def new_media(self, data: bytes, content_type: str, now: datetime) -> str:
        media_id = secrets.token_urlsafe(24)
        self.media[media_id] = StoredMedia(data, content_type, now)
        return media_id

    def live_media(self, media_id: str, now: datetime) -> StoredMedia | None:
        stored = self.media.get(media_id)
        if stored is None or now >= stored.created_at + MEDIA_LIFETIME:
            return None
        return stored

    def count_call(self, path: str, now: datetime) -> int:
        """Calls of `path` in the current minute, this one included."""
        key = (path, int(now.timestamp()) // 60)
        self._minute_calls[key] += 1
        return self._minute_calls[key]
