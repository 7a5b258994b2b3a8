"""Sign-in links and web sessions. Only hashes of the secrets are stored.

A person is given here by their address ("telegram:123", "wecom:zhangsan"), kept as it is; the
code only ever compares addresses for equality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WebLinkRow, WebSessionRow

# Used links are kept this long after they expire, so a reused one is still recognised.
KEEP_USED = timedelta(days=1)


def person_key(person: str) -> str:
    return person


def person_id(key: str) -> str:
    """The address a stored key was made from: `person_key(person_id(k)) == k` for every key."""
    return key


@dataclass(frozen=True)
class Grant:
    """Who a used sign-in link was for, and where it leads."""

    person_id: str
    person_name: str
    language: str
    next_path: str


@dataclass(frozen=True)
class WebSession:
    person_id: str
    person_name: str
    language: str
    csrf_token: str
    expires_at: datetime


class WebAccessRepository:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self.session = session
        self.dialect = dialect

    # -- sign-in links ------------------------------------------------------------------------

    async def links_since(self, person: Any, since: datetime) -> int:
        """How many links this person was sent since `since` (for the rate limit)."""
        found = await self.session.execute(
            select(func.count()).select_from(WebLinkRow)
            .where(WebLinkRow.person_id == person_key(person), WebLinkRow.created_at >= since))
        return int(found.scalar_one())

    async def add_link(self, token_hash: str, person: Any, *, name: str, language: str,
                       next_path: str, now: datetime, expires_at: datetime) -> None:
        self.session.add(WebLinkRow(
            token_hash=token_hash, person_id=person_key(person), person_name=name[:128],
            language=language[:8], next_path=next_path[:256], created_at=now,
            expires_at=expires_at, used_at=None))
        await self.session.flush()

    async def link_usable(self, token_hash: str, now: datetime) -> bool:
        row = await self.session.get(WebLinkRow, token_hash)
        return row is not None and row.used_at is None and row.expires_at > now

    async def use_link(self, token_hash: str, now: datetime) -> Grant | None:
        """Mark the link used and say whom it was for; None when unknown, used or expired.

        One conditional UPDATE: of two browsers opening the same link at once, one wins.
        """
        result = await self.session.execute(
            update(WebLinkRow)
            .where(WebLinkRow.token_hash == token_hash, WebLinkRow.used_at.is_(None),
                   WebLinkRow.expires_at > now)
            .values(used_at=now)
            .returning(WebLinkRow.person_id, WebLinkRow.person_name, WebLinkRow.language,
                       WebLinkRow.next_path)
            .execution_options(synchronize_session=False))
        row = result.first()
        if row is None:
            return None
        return Grant(person_id(row[0]), row[1], row[2], row[3])

    # -- sessions -------------------------------------------------------------------------------

    async def add_session(self, id_hash: str, person: Any, *, name: str, language: str,
                          csrf_token: str, now: datetime, expires_at: datetime) -> None:
        self.session.add(WebSessionRow(
            id_hash=id_hash, person_id=person_key(person), person_name=name[:128],
            language=language[:8], csrf_token=csrf_token, created_at=now,
            expires_at=expires_at))
        await self.session.flush()

    async def session_of(self, id_hash: str, now: datetime) -> WebSession | None:
        row = await self.session.get(WebSessionRow, id_hash)
        if row is None or row.expires_at <= now:
            return None
        return WebSession(person_id(row.person_id), row.person_name, row.language,
                          row.csrf_token, row.expires_at)

    async def end_session(self, id_hash: str) -> None:
        await self.session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash))

    async def forget_expired(self, now: datetime) -> None:
        """Drop sessions past their end and links long past theirs."""
        await self.session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        await self.session.execute(delete(WebLinkRow).where(or_(
            WebLinkRow.expires_at <= now - KEEP_USED,
            and_(WebLinkRow.used_at.is_not(None), WebLinkRow.used_at <= now - KEEP_USED))))
