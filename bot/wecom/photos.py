"""Where the bytes of a photo come from when a WeCom chat is to see it and the outbox gave
none.

WeCom cannot send a file reference, only bytes. The outbox fetches another platform's photo
through that platform (`bot/pipeline/delivery.py`); what is left here is a WeCom member's own
image (fetched from the URL in the stored callback, valid for minutes, and decrypted with its
key) and, for a caller without the outbox's help, a ticket photo from our media store: one
still on its way makes the send wait (the outbox retries), one that never came is left out
and the words go alone.
"""

from __future__ import annotations

import logging

import aiohttp
from sqlalchemy import select

from domain.identity import WECOM, is_address, native_of, platform_of
from handlers.media import MediaStore
from messaging.port import PermanentFailure, TransientFailure
from storage.models import InboxRow, PhotoRow
from storage.uow import UnitOfWorkFactory

from .frames import MessageCallback
from .inbound import parse_image_ref, stored_callback
from .media import download_image

log = logging.getLogger(__name__)

# Download attempts after which the media worker's photo is taken as not coming.
GIVE_UP_AFTER = 5


class Photos:
    def __init__(self, uows: UnitOfWorkFactory, media: MediaStore,
                 session: aiohttp.ClientSession, timeout_s: float) -> None:
        self.uows = uows
        self.media = media
        self.session = session
        self.timeout_s = timeout_s

    async def bytes_of(self, ref: str) -> bytes | None:
        """The photo's bytes; None when they will not come; TransientFailure while they may."""
        if is_address(ref) and platform_of(ref) == WECOM:
            try:
                return await self.fetch(native_of(ref))
            except PermanentFailure as error:
                log.warning("wecom image gone, sent without it: %s", error)
                return None
        async with self.uows(read_only=True) as uow:
            rows = (await uow.session.execute(
                select(PhotoRow.sha256, PhotoRow.attempts).where(PhotoRow.file_id == ref)
            )).all()
        stored = next((sha for sha, _ in rows if sha), None)
        if stored is not None:
            data = self.media.get(stored)
            if data is not None:
                return data
        if rows and min(attempts for _, attempts in rows) < GIVE_UP_AFTER:
            raise TransientFailure("the photo is not in the media store yet")
        log.warning("photo not available for a WeCom chat; the words go alone",
                    extra={"file_id": ref[:64]})
        return None

    async def fetch(self, native: str) -> bytes:
        """An image a member sent, by the reference `inbound.image_ref` gave it."""
        parsed = parse_image_ref(native)
        if parsed is None:
            raise PermanentFailure(f"not a WeCom image reference: {native!r}")
        index, msgid = parsed
        async with self.uows(read_only=True) as uow:
            payload = (await uow.session.execute(
                select(InboxRow.payload).where(InboxRow.dedup_key == f"wecom:{msgid}")
            )).scalar_one_or_none()
        if payload is None:
            raise PermanentFailure("the message of this image is no longer stored")
        callback = stored_callback(payload)
        if not isinstance(callback, MessageCallback) or index >= len(callback.images):
            raise PermanentFailure("the stored message has no such image")
        return await download_image(self.session, callback.images[index],
                                    timeout_s=self.timeout_s)
